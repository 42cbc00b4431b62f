#pragma once
// Every name outcore writes into an output, made here and recognised here (as LevelDB's
// db/filename.h owns a database's file names): the parts, their temporaries, the _SUCCESS
// manifest, the _outcore/ resume records and a PostgreSQL output's ledger table. Code that
// removes "only our files" (--overwrite, --resume) asks IsOurOutputDirEntry, so a name is ours
// only if outcore could have made it there.
#include <cstdint>
#include <string>

#include "outcore/part_writer.h"

namespace outcore {

/// The manifest of a finished run, written last in the output directory.
inline constexpr const char* kManifestName = "_SUCCESS";
/// The directory of resume records inside the output directory.
inline constexpr const char* kStateDirName = "_outcore";
/// The run's identity inside the state directory.
inline constexpr const char* kRunRecordName = "run.json";

/// Final name of a split's part: part-00042.parquet.
std::string PartName(int64_t ordinal, OutputFormat format);
/// Temporary name of one attempt at a part, hidden: .part-00042.parquet.attempt-7.tmp.
std::string TempPartName(int64_t ordinal, OutputFormat format, int64_t attempt);
/// Name, in the state directory, of a committed part's record: part-00042.parquet.json.
std::string PartRecordName(int64_t ordinal, OutputFormat format);
/// The ledger table of a PostgreSQL output table (as given, schema-qualified or not):
/// NAME_outcore_ledger.
std::string LedgerTableName(const std::string& table);

enum class OutputNameKind {
  kForeign,     // not a name outcore makes
  kPart,        // PartName
  kTempPart,    // TempPartName
  kManifest,    // kManifestName
  kStateDir,    // kStateDirName
  kRunRecord,   // kRunRecordName (in the state directory)
  kPartRecord,  // PartRecordName (in the state directory)
};

/// What a name is to outcore; for parts, temporaries and records also the split and format
/// (and the attempt) that made it. A name is recognised only in exactly the form outcore
/// makes it: "part-1.parquet" or "part-00001.parquet.bak" are foreign.
struct OutputName {
  OutputNameKind kind = OutputNameKind::kForeign;
  int64_t ordinal = -1;  // kPart, kTempPart, kPartRecord
  OutputFormat format = OutputFormat::kParquet;  // kPart, kTempPart, kPartRecord
  int64_t attempt = -1;  // kTempPart
};

/// Parses one file name (no directory). Names inside the state directory and in the output
/// directory are told apart by form alone: none of ours has two meanings.
OutputName ParseOutputName(const std::string& name);

/// Whether `name`, found directly in an output directory, is one outcore writes there (what
/// --overwrite and --resume may remove): a part, a temporary part, the manifest or the state
/// directory. Records are ours only inside the state directory.
bool IsOurOutputDirEntry(const std::string& name);

}  // namespace outcore
