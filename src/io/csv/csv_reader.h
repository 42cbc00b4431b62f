#pragma once
// Internal entry points of the CSV reader, for the source and for tests that need to shrink
// the read block to exercise rows straddling blocks.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "outcore/source.h"

namespace outcore::csv {

/// Knobs that change memory use and speed, never results.
struct CsvTuning {
  // Bytes per pread. L2-sized: the tokenizer and converters then read what the copy just
  // wrote from cache (measured a few % faster than 4 MB blocks).
  int64_t block_bytes = 256 << 10;
  int64_t max_row_bytes = 64 << 20;  // a longer row is an error (it would have to fit in memory)
  bool allow_avx2 = true;            // false: the baseline scanner even where AVX2 is there
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
