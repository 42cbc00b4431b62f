// OpenPartWriter: picks the part writer for an output format.
#include <memory>
#include <string>

#include "io/parquet/parquet_writer.h"
#include "outcore/part_writer.h"

namespace outcore {

// Defined in csv_writer.cc.
std::unique_ptr<PartWriter> OpenCsvWriter(const std::string& path, const Schema& schema,
                                          const WriterOptions& options);

std::unique_ptr<PartWriter> OpenPartWriter(const std::string& path, OutputFormat format,
                                           const Schema& schema, const WriterOptions& options) {
  switch (format) {
    case OutputFormat::kParquet:
      return parquet::OpenParquetWriter(path, schema, options);
    case OutputFormat::kCsv:
      return OpenCsvWriter(path, schema, options);
  }
  return nullptr;
}

const char* FormatExtension(OutputFormat format) {
  switch (format) {
    case OutputFormat::kParquet:
      return ".parquet";
    case OutputFormat::kCsv:
      return ".csv";
  }
  return "";
}

}  // namespace outcore
