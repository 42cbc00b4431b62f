// The CSV part writer: a header line, then one line per row; RFC 4180 quoting where needed.
#include <charconv>
#include <memory>
#include <string>

#include "io/parquet/part_file.h"
#include "outcore/error.h"
#include "outcore/sink.h"

namespace outcore {
namespace {

// Text is flushed to the file in blocks of about this size.
constexpr size_t kFlushBytes = 1 << 20;

class CsvWriter final : public PartWriter {
 public:
  CsvWriter(const std::string& path, const Schema& schema, const WriterOptions& options)
      : schema_(schema), delimiter_(options.delimiter), file_(path) {
    for (int i = 0; i < schema.size(); ++i) {
      if (i > 0) out_.push_back(delimiter_);
      AppendText(schema.field(i).name);
    }
    out_.push_back('\n');
  }

  void Write(const Batch& batch) override {
    if (finished_) Fail(ErrorCode::kInternal, file_.path() + ": write after Finish");
    CheckBatchForWrite(file_.path(), schema_, batch);
    for (int64_t row = 0; row < batch.num_rows; ++row) {
      for (size_t i = 0; i < batch.columns.size(); ++i) {
        if (i > 0) out_.push_back(delimiter_);
        AppendValue(*batch.columns[i], row);
      }
      out_.push_back('\n');
      if (out_.size() >= kFlushBytes) {
        file_.Append(out_);
        out_.clear();
      }
    }
    rows_ += batch.num_rows;
  }

  int64_t Finish() override {
    if (finished_) Fail(ErrorCode::kInternal, file_.path() + ": Finish called twice");
    file_.Append(out_);
    out_.clear();
    file_.Close();
    finished_ = true;
    return rows_;
  }

 private:
  template <typename T>
  void AppendNumber(T value) {
    char buf[32];
    auto result = std::to_chars(buf, buf + sizeof buf, value);  // shortest round-trip
    out_.append(buf, result.ptr);
  }

  // Quotes text holding the delimiter, a quote or a line break. An empty string is quoted
  // too, so that it reads back differently from a null (an empty field).
  void AppendText(std::string_view text) {
    const bool quote = text.empty() || text.find_first_of(special_) != std::string_view::npos;
    if (!quote) {
      out_.append(text);
      return;
    }
    out_.push_back('"');
    for (char c : text) {
      if (c == '"') out_.push_back('"');
      out_.push_back(c);
    }
    out_.push_back('"');
  }

  void AppendValue(const Column& column, int64_t row) {
    if (column.IsNull(row)) return;
    switch (column.type) {
      case DataType::kF64: AppendNumber(column.f64[row]); break;
      case DataType::kI64: AppendNumber(column.i64[row]); break;
      case DataType::kBool: out_.append(column.u8[row] ? "true" : "false"); break;
      case DataType::kTimestamp: out_.append(FormatTimestamp(column.i64[row])); break;
      case DataType::kString: AppendText(column.Str(row)); break;
      case DataType::kCategory: AppendText(column.Category(row)); break;
    }
  }

  const Schema schema_;
  const char delimiter_;
  const std::string special_ = std::string("\"\r\n") + delimiter_;
  OutputFile file_;
  std::string out_;
  int64_t rows_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<PartWriter> OpenCsvWriter(const std::string& path, const Schema& schema,
                                          const WriterOptions& options) {
  return std::make_unique<CsvWriter>(path, schema, options);
}

}  // namespace outcore
