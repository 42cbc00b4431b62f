// MakeSource: the source of each input format, and the format of an input path or URI.
#include "outcore/error.h"
#include "outcore/postgres.h"
#include "outcore/source.h"

namespace outcore {

std::string InputFormat(const std::string& input) {
  if (IsPostgresUri(input)) return "postgres";
  if (input.ends_with(".parquet") || input.ends_with(".pq")) return "parquet";
  return "csv";
}

std::unique_ptr<Source> MakeSource(const std::string& format, const ReadOptions& read) {
  if (format == "csv") return MakeCsvSource(read);
  if (format == "parquet") return MakeParquetSource(read);
  if (format == "postgres") return MakePostgresSource(read);
  Fail(ErrorCode::kUsage, "input format '" + format + "' is not supported yet (CSV is)");
}

}  // namespace outcore
