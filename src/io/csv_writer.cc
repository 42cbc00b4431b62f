// The CSV part writer: a header line, then one line per row; RFC 4180 quoting where needed.
#include <charconv>
#include <memory>
#include <string>

#include "io/part_file.h"
#include "outcore/error.h"
#include "outcore/part_writer.h"

namespace outcore {
namespace {

// Text is flushed to the file in blocks of about this size.
constexpr size_t kFlushBytes = 1 << 20;

void AppendDigits(int64_t value, int width, std::string* out) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, width);
}

// The text of FormatTimestamp (column.h), without its gmtime_r and snprintf, which dominate the
// cost of writing timestamps. Days to civil date: Howard Hinnant's days_from_civil inverse.
void AppendTimestamp(int64_t micros, std::string* out) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  int64_t days = micros / kMicrosPerDay;
  int64_t rest = micros % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2);
  if (year < 0 || year > 9999) {
    out->append(FormatTimestamp(micros));  // widths differ there; rare enough to be slow
    return;
  }
  const int64_t seconds = rest / 1000000;
  const int64_t fraction = rest % 1000000;
  AppendDigits(year, 4, out);
  out->push_back('-');
  AppendDigits(month, 2, out);
  out->push_back('-');
  AppendDigits(day, 2, out);
  out->push_back(' ');
  AppendDigits(seconds / 3600, 2, out);
  out->push_back(':');
  AppendDigits(seconds / 60 % 60, 2, out);
  out->push_back(':');
  AppendDigits(seconds % 60, 2, out);
  if (fraction != 0) {
    out->push_back('.');
    AppendDigits(fraction, 6, out);
  }
}

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
      const size_t row_begin = out_.size();
      for (size_t i = 0; i < batch.columns.size(); ++i) {
        if (i > 0) out_.push_back(delimiter_);
        AppendValue(*batch.columns[i], row);
      }
      // A row of one empty field would be a blank line, which readers skip: write it as ""
      // (as Python's csv module does), which reads back as one empty field.
      if (out_.size() == row_begin) out_.append("\"\"");
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
      case DataType::kF64:
        AppendNumber(column.f64[row]);
        break;
      case DataType::kI64:
        AppendNumber(column.i64[row]);
        break;
      case DataType::kBool:
        out_.append(column.u8[row] ? "true" : "false");
        break;
      case DataType::kTimestamp:
        AppendTimestamp(column.i64[row], &out_);
        break;
      case DataType::kString:
        AppendText(column.Str(row));
        break;
      case DataType::kCategory:
        AppendText(column.Category(row));
        break;
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
