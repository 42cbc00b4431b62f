#pragma once
// Internal entry points of the CSV reader, for the source and for tests that need to shrink
// the read block to exercise rows straddling blocks.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "outcore/io.h"

namespace outcore::csv {

/// Knobs that change memory use and speed, never results.
struct CsvTuning {
  int64_t block_bytes = 4 << 20;     // bytes per pread
  int64_t max_row_bytes = 64 << 20;  // a longer row is an error (it would have to fit in memory)
};

/// One column to produce: its name and type, and which field of a row it comes from.
struct OutputSpec {
  std::string name;
  DataType type;
  int field;
};

/// Reads the rows of one split of a file with `num_fields` fields per row.
std::unique_ptr<SplitReader> OpenCsvSplitReader(const Split& split, const ReadOptions& options,
                                                const CsvTuning& tuning, int num_fields,
                                                std::vector<OutputSpec> outputs,
                                                BadRowPolicy policy, int64_t batch_rows);

/// The CSV source with explicit tuning (MakeCsvSource uses the defaults).
std::unique_ptr<Source> MakeCsvSource(const ReadOptions& options, const CsvTuning& tuning);

}  // namespace outcore::csv
