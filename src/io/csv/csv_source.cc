// The CSV Source: expands inputs, reads headers, infers types, plans splits at row starts and
// opens split readers.
//
// The dialect, shared by the planner, the header reader and the tokenizer: RFC 4180 with LF or
// CRLF line ends, a configurable delimiter, quote and escape, a UTF-8 BOM skipped, blank lines
// skipped. A quote opens a quoted field only at the start of a field; in an unquoted field
// (12" pizza) it is data, as in Python's csv module and pandas (dialect.h). The rule is
// applied from a row start by a state machine, so a split's rows are exactly what a serial
// read finds there. A field that starts with a quote is unquoted ("" and escaped bytes become
// data, what follows the closing quote is kept); other fields are taken as they are.
#include <sys/stat.h>

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "io/convert.h"
#include "io/csv/csv_reader.h"
#include "io/csv/file.h"
#include "io/file_util.h"
#include "outcore/error.h"

namespace outcore::csv {

namespace {

std::string FirstFile(const std::string& input) {
  std::vector<std::string> files = ExpandInputs({input});
  return files[0];
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

// Tallies the sampled values of one column to choose its type: int -> float -> string, the
// narrowest that fits. A rare value that is no number at all (a typo, "12,5", an unlisted
// missing-value spelling) does not make a numeric column text: the column stays numeric and
// the reader reports that value with its file, line and column, as a bad row. Only when more
// than 1% of the values are not numbers is the column text.
class TypeTally {
 public:
  TypeTally(char decimal, char thousands) : decimal_(decimal), thousands_(thousands) {}
  void Add(std::string_view value) {
    value = NumberText(TrimSpaces(value), decimal_, thousands_, &scratch_);
    ++values_;
    int64_t i;
    double d;
    if (ParseInt64(value, &i)) {
      ++ints_;
    } else if (ParseDouble(value, &d)) {
      ++floats_;
    }
  }
  DataType Type() const {
    if (values_ == 0) return DataType::kF64;  // all missing is float, as in pandas
    const int64_t numbers = ints_ + floats_;
    if (numbers == 0 || (values_ - numbers) * 100 > values_) return DataType::kString;
    return floats_ == 0 ? DataType::kI64 : DataType::kF64;
  }

 private:
  char decimal_, thousands_;
  std::string scratch_;
  int64_t values_ = 0;
  int64_t ints_ = 0;
  int64_t floats_ = 0;  // numbers that are not ints
};

class CsvSource final : public Source {
 public:
  CsvSource(const ReadOptions& options, const CsvTuning& tuning)
      : options_(options), tuning_(tuning) {}

  Schema InspectSchema(const std::string& input) override;
  std::vector<Split> Plan(const std::vector<std::string>& inputs, int64_t split_size,
                          int64_t first_ordinal) override;
  std::unique_ptr<SplitReader> Open(const Split& split, const ScanOptions& scan) override;

 private:
  // What is known about one file, valid while its size and mtime stay the same.
  struct FileInfo {
    InputStamp stamp{-1, ""};
    CsvLayout layout;
    std::optional<Schema> schema;
  };

  FileInfo& Info(const std::string& path);  // requires mutex_
  CsvLayout Layout(const std::string& path);
  Schema Infer(const std::string& path, const CsvLayout& layout);

  const ReadOptions options_;
  const CsvTuning tuning_;
  std::mutex mutex_;  // Open runs on many threads at once
  std::map<std::string, FileInfo> files_;
};

CsvSource::FileInfo& CsvSource::Info(const std::string& path) {
  const InputStamp stamp = StampInput(path);
  FileInfo& info = files_[path];
  if (info.stamp != stamp) {
    InputFile file(path, InputFile::Decompress::kAuto);
    info = FileInfo{stamp, ReadLayout(file, options_), std::nullopt};
  }
  return info;
}

CsvLayout CsvSource::Layout(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Info(path).layout;
}

Schema CsvSource::InspectSchema(const std::string& input) {
  const std::string path = FirstFile(input);
  std::lock_guard<std::mutex> lock(mutex_);
  FileInfo& info = Info(path);
  if (!info.schema) info.schema = Infer(path, info.layout);
  return *info.schema;
}

Schema CsvSource::Infer(const std::string& path, const CsvLayout& layout) {
  const int num_fields = static_cast<int>(layout.names.size());
  std::vector<std::optional<DataType>> declared(num_fields);
  std::vector<OutputSpec> sampled;  // undeclared columns, read as text
  for (int i = 0; i < num_fields; ++i) {
    const std::string& name = layout.names[i];
    auto dtype = options_.dtypes.find(name);
    if (dtype != options_.dtypes.end()) {
      declared[i] = dtype->second;
    } else if (std::find(options_.parse_dates.begin(), options_.parse_dates.end(), name) !=
               options_.parse_dates.end()) {
      declared[i] = DataType::kTimestamp;
    } else {
      sampled.push_back(OutputSpec{name, DataType::kString, i});
    }
  }
  std::vector<TypeTally> tallies(sampled.size(), TypeTally(options_.decimal, options_.thousands));
  if (!sampled.empty()) {
    const int64_t limit =
        options_.infer_rows > 0 ? options_.infer_rows : std::numeric_limits<int64_t>::max();
    Split whole;
    whole.format = "csv";
    whole.path = path;
    whole.begin = layout.data_begin;
    whole.end = layout.size;
    // Ragged rows in the sample are skipped here; reading reports them with their line.
    std::unique_ptr<SplitReader> reader =
        OpenCsvSplitReader(whole, options_, tuning_, num_fields, sampled, BadRowPolicy::kSkip,
                           std::min<int64_t>(limit, 1 << 16));
    int64_t seen = 0;
    Batch batch;
    while (seen < limit && reader->Next(&batch)) {
      const int64_t rows = std::min(batch.num_rows, limit - seen);
      for (size_t c = 0; c < sampled.size(); ++c) {
        const Column& column = *batch.columns[c];
        for (int64_t r = 0; r < rows; ++r)
          if (!column.IsNull(r)) tallies[c].Add(column.Str(r));
      }
      seen += rows;
    }
  }
  Schema schema;
  size_t next_sampled = 0;
  for (int i = 0; i < num_fields; ++i) {
    const DataType type = declared[i] ? *declared[i] : tallies[next_sampled++].Type();
    schema.Add({layout.names[i], type});
  }
  return schema;
}

std::vector<Split> CsvSource::Plan(const std::vector<std::string>& inputs, int64_t split_size,
                                   int64_t first_ordinal) {
  std::vector<Split> splits;
  int64_t ordinal = first_ordinal;
  auto add = [&](const std::string& path, int64_t begin, int64_t end) {
    splits.push_back(Split::Range(ordinal++, "csv", path, begin, end));
  };
  for (const std::string& path : ExpandInputs(inputs)) {
    const CsvLayout layout = Layout(path);
    // Even a header-only file gets a split, so that opening it checks the columns. A
    // compressed file is one split: a stream is read from its start.
    if (split_size <= 0 || layout.data_begin >= layout.size || layout.size == InputFile::kUnknownSize) {
      add(path, layout.data_begin, layout.size);
      continue;
    }
    // The finder reads the file once from start to end, tracking quotes, so that a boundary is
    // never inside a quoted field (on S3: in 8 MB GETs).
    InputFile file(path);
    file.WillRead(layout.data_begin, layout.size);
    RowBoundaryFinder boundaries(file, layout.data_begin, Dialect(options_));
    for (int64_t begin = layout.data_begin; begin < layout.size;) {
      const int64_t nominal_end = begin + split_size;
      const int64_t end =
          nominal_end >= layout.size ? layout.size : boundaries.RowStartAtOrAfter(nominal_end);
      add(path, begin, end);
      begin = end;
    }
  }
  return splits;
}

std::unique_ptr<SplitReader> CsvSource::Open(const Split& split, const ScanOptions& scan) {
  if (split.format != "csv")
    Fail(ErrorCode::kInternal, "the CSV source cannot open a '" + split.format + "' split");
  const CsvLayout layout = Layout(split.path);
  const int num_fields = static_cast<int>(layout.names.size());
  std::vector<OutputSpec> outputs;
  if (scan.columns.size() == 0) {
    const Schema schema = InspectSchema(split.path);
    for (int i = 0; i < num_fields; ++i)
      outputs.push_back(OutputSpec{schema.field(i).name, schema.field(i).type, i});
  } else {
    std::unordered_map<std::string_view, int> field_of_name;
    for (int i = 0; i < num_fields; ++i) field_of_name.emplace(layout.names[i], i);
    for (const Field& wanted : scan.columns.fields()) {
      auto it = field_of_name.find(wanted.name);
      if (it == field_of_name.end())
        Fail(ErrorCode::kSchema,
             split.path + ": column '" + wanted.name +
                 "' is required but not in the header (columns: " + JoinNames(layout.names) + ")");
      outputs.push_back(OutputSpec{wanted.name, wanted.type, it->second});
    }
  }
  return OpenCsvSplitReader(split, options_, tuning_, num_fields, std::move(outputs),
                            scan.on_bad_rows, scan.batch_rows);
}

}  // namespace

std::unique_ptr<Source> MakeCsvSource(const ReadOptions& options, const CsvTuning& tuning) {
  if (options.sniff_delimiter)
    Fail(ErrorCode::kInternal, "delimiter \"auto\" must be resolved (ResolveDelimiter) before reading");
  const char d = options.delimiter, q = options.quote, e = options.escape;
  if (d == '"' || d == '\n' || d == '\r' || d == '\0' || (q != '\0' && d == q))
    Fail(ErrorCode::kUsage, std::string("invalid CSV delimiter '") + d + "'");
  if (q == '\n' || q == '\r')
    Fail(ErrorCode::kUsage, "invalid CSV quote: a line end");
  if (e != '\0' && (e == d || e == '\n' || e == '\r'))
    Fail(ErrorCode::kUsage, std::string("invalid CSV escape character '") + e + "'");
  // Buffer positions are 32-bit.
  if (tuning.block_bytes < 1 || tuning.max_row_bytes > (int64_t{1} << 30))
    Fail(ErrorCode::kUsage, "invalid CSV block or row size");
  return std::make_unique<CsvSource>(options, tuning);
}

}  // namespace outcore::csv

namespace outcore {

bool ParseQuoteOption(const std::string& text, char* quote) {
  if (text.empty() || text == "none") {
    *quote = '\0';
    return true;
  }
  if (text.size() != 1 || text[0] == '\0') return false;
  *quote = text[0];
  return true;
}

bool ParseEscapeOption(const std::string& text, char* escape) {
  if (text.size() > 1 || (text.size() == 1 && text[0] == '\0')) return false;
  *escape = text.empty() ? '\0' : text[0];
  return true;
}

std::string QuoteOptionText(char quote) {
  return quote == '\0' ? "none" : std::string(1, quote);
}

std::string EscapeOptionText(char escape) {
  return escape == '\0' ? "" : std::string(1, escape);
}

std::unique_ptr<Source> MakeCsvSource(const ReadOptions& options) {
  return csv::MakeCsvSource(options, csv::CsvTuning());
}

}  // namespace outcore
