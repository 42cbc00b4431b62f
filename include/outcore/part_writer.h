#pragma once
/// Output: writers of one part file (Parquet or CSV). A sink (sink.h) names temporary files
/// and renames them into place; a writer only writes the path it is given.
#include <cstdint>
#include <memory>
#include <string>

#include "outcore/column.h"

namespace outcore {

enum class OutputFormat { kParquet, kCsv };
enum class Compression { kNone, kSnappy, kZstd };

struct WriterOptions {
  Compression compression = Compression::kZstd;
  int64_t row_group_rows = 1 << 20;  // Parquet: rows per row group
  bool dictionary = true;            // Parquet: dictionary-encode strings/categories when useful
  char delimiter = ',';              // CSV
};

/// Writes batches (all with the schema given at open) to one file.
class PartWriter {
 public:
  virtual ~PartWriter() = default;
  virtual void Write(const Batch& batch) = 0;
  /// Writes footers, flushes and fsyncs. No Write may follow. Returns rows written.
  virtual int64_t Finish() = 0;
};

/// Opens `path` for writing (truncating). The schema's types decide the file's column types:
/// f64 -> DOUBLE, i64 -> INT64, bool -> BOOLEAN, timestamp -> INT64 TIMESTAMP(MICROS),
/// string and category -> BYTE_ARRAY STRING.
std::unique_ptr<PartWriter> OpenPartWriter(const std::string& path, OutputFormat format,
                                           const Schema& schema, const WriterOptions& options);

/// File extension of a format, with the dot: ".parquet" or ".csv".
const char* FormatExtension(OutputFormat format);

}  // namespace outcore
