// Fuzzes the Parquet reader with whole files. For every input the footer accepts, reads all
// columns in one split and in one split per row group, and checks that every batch is well
// formed and that both plans give the same rows. Any failure must be an outcore::Error; the
// caps on lengths and counts keep allocations bounded (libFuzzer's -malloc_limit_mb checks).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "outcore/source.h"

namespace outcore::fuzz {

void FuzzOne(const uint8_t* data, size_t size) {
  static ScratchFile file(".parquet");
  const std::string& path =
      file.Write(std::string_view(reinterpret_cast<const char*>(data), size));
  std::unique_ptr<Source> source = MakeParquetSource(ReadOptions{});
  Schema schema;
  if (!RunExpectingOnlyErrors([&] { schema = source->InspectSchema(path); })) return;

  ScanOptions scan;
  scan.batch_rows = 7;
  scan.on_bad_rows = BadRowPolicy::kSkip;
  Rows whole, per_group;
  std::string whole_error, group_error;
  const bool whole_ok = RunExpectingOnlyErrors(
      [&] { whole = ReadAllSplits(*source, source->Plan({path}, int64_t{1} << 40), scan); },
      &whole_error);
  const bool group_ok = RunExpectingOnlyErrors(
      [&] { per_group = ReadAllSplits(*source, source->Plan({path}, 1), scan); }, &group_error);
  FUZZ_CHECK(whole_ok == group_ok, "one split: '" + whole_error + "' per group: '" + group_error + "'");
  if (whole_ok) {
    FUZZ_CHECK(whole.rows == per_group.rows, "row-group splits read other rows");
    FUZZ_CHECK(whole.stats.rows_rejected == per_group.stats.rows_rejected, "rejected counts differ");
  } else {
    FUZZ_CHECK(whole_error.find(path) != std::string::npos, "error does not name the file: " + whole_error);
  }
}

}  // namespace outcore::fuzz
