// The names outcore writes into an output: each made name parses back to what made it, and
// names outcore does not make (however close) are foreign.
#include <gtest/gtest.h>

#include "outcore/output_names.h"

namespace outcore {
namespace {

TEST(OutputNames, PartNamesRoundTrip) {
  for (OutputFormat format : {OutputFormat::kParquet, OutputFormat::kCsv}) {
    for (int64_t ordinal : {int64_t{0}, int64_t{7}, int64_t{99999}, int64_t{123456}}) {
      std::string part = PartName(ordinal, format);
      OutputName parsed = ParseOutputName(part);
      EXPECT_EQ(parsed.kind, OutputNameKind::kPart) << part;
      EXPECT_EQ(parsed.ordinal, ordinal) << part;
      EXPECT_EQ(parsed.format, format) << part;

      for (int64_t attempt : {int64_t{1}, int64_t{7}, int64_t{(1LL << 62) + 3}}) {
        std::string temp = TempPartName(ordinal, format, attempt);
        parsed = ParseOutputName(temp);
        EXPECT_EQ(parsed.kind, OutputNameKind::kTempPart) << temp;
        EXPECT_EQ(parsed.ordinal, ordinal) << temp;
        EXPECT_EQ(parsed.format, format) << temp;
        EXPECT_EQ(parsed.attempt, attempt) << temp;
      }

      std::string record = PartRecordName(ordinal, format);
      parsed = ParseOutputName(record);
      EXPECT_EQ(parsed.kind, OutputNameKind::kPartRecord) << record;
      EXPECT_EQ(parsed.ordinal, ordinal) << record;
      EXPECT_EQ(parsed.format, format) << record;
    }
  }
  EXPECT_EQ(ParseOutputName(kManifestName).kind, OutputNameKind::kManifest);
  EXPECT_EQ(ParseOutputName(kStateDirName).kind, OutputNameKind::kStateDir);
  EXPECT_EQ(ParseOutputName(kRunRecordName).kind, OutputNameKind::kRunRecord);
}

// The names themselves are part of the output format (docs/predict.md): they must not drift.
TEST(OutputNames, NamesAreTheDocumentedOnes) {
  EXPECT_EQ(PartName(42, OutputFormat::kParquet), "part-00042.parquet");
  EXPECT_EQ(PartName(3, OutputFormat::kCsv), "part-00003.csv");
  EXPECT_EQ(TempPartName(42, OutputFormat::kParquet, 7), ".part-00042.parquet.attempt-7.tmp");
  EXPECT_EQ(PartRecordName(42, OutputFormat::kCsv), "part-00042.csv.json");
  EXPECT_EQ(std::string(kManifestName), "_SUCCESS");
  EXPECT_EQ(std::string(kStateDirName), "_outcore");
  EXPECT_EQ(LedgerTableName("out1"), "out1_outcore_ledger");
  EXPECT_EQ(LedgerTableName("s.out1"), "s.out1_outcore_ledger");
}

TEST(OutputNames, ForeignNamesAreNotOurs) {
  for (const char* name :
       {"part-1.parquet", "part-00001.parquet.bak", "part-00001.json", "part-00001", "part-.parquet",
        "part--0001.parquet", "part-+0001.csv", "part-00001.PARQUET", "part-00001.parquet ",
        "Part-00001.csv", "xpart-00001.csv", "part-00001.parquet.json.bak", ".part-00001.parquet.tmp",
        ".part-00001.parquet.attempt-.tmp", ".part-00001.parquet.attempt-x.tmp",
        ".part-1.parquet.attempt-7.tmp", ".part-00001.parquet.attempt-07.tmp",
        "part-00001.parquet.attempt-7.tmp", ".part-00001.parquet.attempt-7.tmp~", "_SUCCESS.bak",
        "_success", "_outcore2", "run.json.bak", "data.csv", "", ".", ".."}) {
    EXPECT_EQ(ParseOutputName(name).kind, OutputNameKind::kForeign) << "'" << name << "'";
  }
}

// What --overwrite may remove from an output directory: records belong in _outcore/ only.
TEST(OutputNames, OurOutputDirEntries) {
  EXPECT_TRUE(IsOurOutputDirEntry(PartName(1, OutputFormat::kCsv)));
  EXPECT_TRUE(IsOurOutputDirEntry(TempPartName(1, OutputFormat::kParquet, 9)));
  EXPECT_TRUE(IsOurOutputDirEntry(kManifestName));
  EXPECT_TRUE(IsOurOutputDirEntry(kStateDirName));
  EXPECT_FALSE(IsOurOutputDirEntry(kRunRecordName));
  EXPECT_FALSE(IsOurOutputDirEntry(PartRecordName(1, OutputFormat::kCsv)));
  EXPECT_FALSE(IsOurOutputDirEntry("part-1.parquet"));
  EXPECT_FALSE(IsOurOutputDirEntry("notes.txt"));
}

}  // namespace
}  // namespace outcore
