// The CSV split reader. It works in segments: read a block into a buffer, tokenize as many
// complete rows as fit (recording only the byte spans of the wanted fields), convert those
// spans column by column, then carry the partial last row over to the next block.
#include "io/csv/csv_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>

#include "io/bad_rows.h"
#include "io/convert.h"
#include "io/csv/file.h"
#include "io/csv/tokenizer.h"
#include "outcore/error.h"

namespace outcore::csv {

namespace {

// The scanner reads whole 64-byte blocks past the data, and the last row may get a
// synthetic '\n': the buffer has this much slack after its capacity.
constexpr int64_t kPadding = 64 + 1;
// Rows tokenized before converting: bounds the span arrays whatever batch_rows is.
constexpr int kMaxSegmentRows = 2048;
// Longer values are cut in error messages.
constexpr size_t kMaxQuotedValue = 200;

// A row that cannot be read, found while tokenizing (ragged) or converting.
struct RowError {
  int64_t offset;  // file offset where the row starts
  int field;       // orders errors within a row: the first bad field is the one reported
  int row;         // index among the segment's tokenized rows, or -1 if it was never kept
  std::string reason;
  std::optional<BadValue> bad;  // the bad value (without its line), or none for a ragged row
};

// A column being built for the current batch.
struct Output {
  OutputSpec spec;
  BadValue::TypeFrom type_from;  // declared in the read options, else inferred
  int slot;  // which of the tokenizer's span arrays holds its field
  std::shared_ptr<Column> column;
  CategoryEncoder categories;
  std::string date_format;  // datetime columns: strftime-style, or "" for ISO 8601
};

// An uninitialised buffer of `capacity` bytes plus zeroed padding.
std::unique_ptr<char[]> NewBuffer(int64_t capacity) {
  std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(capacity + kPadding);
  std::memset(buffer.get() + capacity, 0, kPadding);
  return buffer;
}

// Removes v[base + drop[i]] for each i (drop sorted ascending), keeping order.
template <typename T>
void EraseAt(std::vector<T>* v, int64_t base, const std::vector<int>& drop) {
  if (v->empty()) return;
  size_t out = base + drop[0];
  size_t next_drop = 0;
  for (size_t i = out; i < v->size(); ++i) {
    if (next_drop < drop.size() && i == static_cast<size_t>(base + drop[next_drop])) {
      ++next_drop;
      continue;
    }
    (*v)[out++] = (*v)[i];
  }
  v->resize(out);
}

// Removes rows base + drop[i] from a column (the rare path of skipped bad rows).
void EraseRows(Column* c, int64_t base, const std::vector<int>& drop) {
  switch (c->type) {
    case DataType::kF64:
      EraseAt(&c->f64, base, drop);
      break;
    case DataType::kI64:
    case DataType::kTimestamp:
      EraseAt(&c->i64, base, drop);
      break;
    case DataType::kBool:
      EraseAt(&c->u8, base, drop);
      break;
    case DataType::kCategory:
      EraseAt(&c->codes, base, drop);
      break;
    case DataType::kString: {
      std::vector<int64_t> offsets(c->offsets.begin(), c->offsets.begin() + base + 1);
      std::string tail;
      size_t next_drop = 0;
      for (int64_t i = base; i < c->length; ++i) {
        if (next_drop < drop.size() && i == base + drop[next_drop]) {
          ++next_drop;
          continue;
        }
        tail.append(c->Str(i));
        offsets.push_back(c->offsets[base] + static_cast<int64_t>(tail.size()));
      }
      c->chars.resize(c->offsets[base]);
      c->chars += tail;
      c->offsets = std::move(offsets);
      break;
    }
  }
  c->length -= static_cast<int64_t>(drop.size());
  if (!c->valid.empty()) {
    EraseAt(&c->valid, base, drop);
    c->null_count = std::count(c->valid.begin(), c->valid.end(), 0);
  }
}

class CsvSplitReader final : public SplitReader {
 public:
  CsvSplitReader(const Split& split, const ReadOptions& options, const CsvTuning& tuning,
                 int num_fields, std::vector<OutputSpec> outputs, BadRowPolicy policy,
                 int64_t batch_rows);

  bool Next(Batch* batch) override;
  const ReadStats& stats() const override { return stats_; }

 private:
  bool Refill();
  void Grow();
  int ScanRows(int max_rows);
  void StartColumns();
  void Convert(Output* out, int rows);
  template <typename T, typename Parse>
  void ConvertValues(Output* out, int rows, std::vector<T>* values, T missing, Parse parse);
  void ConvertStrings(Output* out, int rows);
  bool NotFinite(Output* out, int64_t index, int row, std::string_view text);
  bool AddConversionError(const Output& out, int row, std::string_view value);
  int ResolveErrors(int rows);
  void RejectUnterminated();
  [[noreturn]] void Stop(const RowError& error);

  std::string_view FieldText(Span span) {
    const char* p = buffer_.get() + span.begin;
    const size_t n = span.end - span.begin;
    if (!dialect_.IsQuoted(p, n)) return std::string_view(p, n);
    return Unquote(std::string_view(p, n), dialect_, &scratch_);
  }
  int64_t FileOffset(size_t buffer_pos) const {
    return buffer_offset_ + static_cast<int64_t>(buffer_pos);
  }

  const std::string path_;
  InputFile file_;
  LineLocator lines_;
  const CsvTuning tuning_;
  const BadRowPolicy policy_;
  const int64_t batch_rows_;
  const int num_fields_;
  const Dialect dialect_;
  const NaMatcher na_;
  const char decimal_, thousands_;  // the read options' number marks
  std::string number_;              // a number's text with them normalised

  int64_t file_pos_;   // next byte of the file to read
  int64_t split_end_;  // first byte not to read

  std::unique_ptr<char[]> buffer_;
  int64_t capacity_ = 0;
  size_t length_ = 0;      // valid bytes in buffer_
  size_t pos_ = 0;         // start of the next row to tokenize
  int64_t buffer_offset_;  // file offset of buffer_[0]
  bool read_all_ = false;  // the whole split has been read into the buffer
  bool need_data_ = true;  // the buffer holds no complete row at pos_
  bool done_ = false;

  std::unique_ptr<Tokenizer> tokenizer_;
  std::vector<RaggedRow> ragged_;  // of the current segment
  std::vector<RowError> errors_;   // of the current segment

  std::vector<Output> outputs_;
  Schema schema_;
  ReadStats stats_;
  std::string scratch_;
};

CsvSplitReader::CsvSplitReader(const Split& split, const ReadOptions& options,
                               const CsvTuning& tuning, int num_fields,
                               std::vector<OutputSpec> outputs, BadRowPolicy policy,
                               int64_t batch_rows)
    : path_(split.path),
      file_(split.path, InputFile::Decompress::kAuto),
      lines_(file_),
      tuning_(tuning),
      policy_(policy),
      batch_rows_(std::max<int64_t>(batch_rows, 1)),
      num_fields_(num_fields),
      dialect_(options),
      na_(options.na_values),
      decimal_(options.decimal),
      thousands_(options.thousands),
      file_pos_(split.begin),
      split_end_(split.end),
      buffer_offset_(split.begin) {
  if (split.begin < 0 || split.begin > split.end || split.end > file_.size())
    Fail(ErrorCode::kIO, path_ + ": split [" + std::to_string(split.begin) + ", " +
                             std::to_string(split.end) + ") is outside the file (" +
                             std::to_string(file_.size()) + " bytes): did it change?");
  // Small splits get a small buffer; a row longer than the buffer makes it grow.
  capacity_ = std::clamp<int64_t>(split.end - split.begin, 1, tuning_.block_bytes);
  file_.WillRead(split.begin, split.end);
  buffer_ = NewBuffer(capacity_);

  std::vector<int> wanted_fields;  // distinct, so a column asked for twice is split once
  for (const OutputSpec& spec : outputs) {
    if (spec.field < 0 || spec.field >= num_fields_)
      Fail(ErrorCode::kInternal, "CSV output field out of range");
    auto it = std::find(wanted_fields.begin(), wanted_fields.end(), spec.field);
    const int slot = static_cast<int>(it - wanted_fields.begin());
    if (it == wanted_fields.end()) wanted_fields.push_back(spec.field);
    const bool declared = options.dtypes.contains(spec.name) ||
                          std::find(options.parse_dates.begin(), options.parse_dates.end(),
                                    spec.name) != options.parse_dates.end();
    outputs_.push_back(Output{
        spec, declared ? BadValue::TypeFrom::kDeclared : BadValue::TypeFrom::kInferred, slot,
        nullptr, {}, spec.type == DataType::kTimestamp ? options.DateFormatOf(spec.name) : ""});
    schema_.Add({spec.name, spec.type});
  }
  const int segment_rows = static_cast<int>(std::min<int64_t>(batch_rows_, kMaxSegmentRows));
  tokenizer_ = std::make_unique<Tokenizer>(dialect_, num_fields_, std::move(wanted_fields),
                                           segment_rows, tuning.allow_avx2);
}

bool CsvSplitReader::Next(Batch* batch) {
  *batch = Batch();
  if (done_) return false;
  StartColumns();
  int64_t rows = 0;
  while (rows < batch_rows_) {
    if (need_data_) {
      if (!Refill()) {
        // Bytes left over after the last row can only be an open quoted field.
        if (pos_ < length_) RejectUnterminated();
        done_ = true;
        break;
      }
      need_data_ = false;
    }
    errors_.clear();
    const int max_rows = static_cast<int>(std::min<int64_t>(batch_rows_ - rows, kMaxSegmentRows));
    const int scanned = ScanRows(max_rows);
    for (Output& out : outputs_) Convert(&out, scanned);
    rows += scanned - ResolveErrors(scanned);
  }
  if (rows == 0) return false;
  for (Output& out : outputs_) {
    if (out.spec.type == DataType::kCategory) out.column->dict = out.categories.TakeDictionary();
    batch->columns.push_back(std::move(out.column));
  }
  batch->schema = schema_;
  batch->num_rows = rows;
  stats_.rows_read += rows;
  return true;
}

// Moves the unread tail (a partial row) to the front and reads the next block after it.
bool CsvSplitReader::Refill() {
  if (read_all_) return false;
  const size_t leftover = length_ - pos_;
  if (pos_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + pos_, leftover);
    buffer_offset_ += static_cast<int64_t>(pos_);
    length_ = leftover;
    pos_ = 0;
  }
  if (static_cast<int64_t>(length_) == capacity_) Grow();
  const int64_t want = std::min<int64_t>(capacity_ - length_, split_end_ - file_pos_);
  const int64_t got = file_.Read(file_pos_, want, buffer_.get() + length_);
  // A compressed stream's end is known only when a read comes up short.
  const bool stream_ended = file_.is_stream() && got < want;
  if (got < want && !stream_ended)
    Fail(ErrorCode::kIO, path_ + ": file ended early (did it change while read?)");
  file_pos_ += got;
  length_ += got;
  // Progress counts the file's own bytes: a stream's compressed bytes.
  stats_.bytes_read = file_.is_stream() ? file_.file_bytes_read() : stats_.bytes_read + got;
  if (file_pos_ == split_end_ || stream_ended) {
    read_all_ = true;
    // A last row without a line end gets one, so the scanner needs no special case.
    if (length_ > 0 && buffer_[length_ - 1] != '\n') buffer_[length_++] = '\n';
  }
  return true;
}

// One row fills the whole buffer: double it, up to the row size limit.
void CsvSplitReader::Grow() {
  if (capacity_ >= tuning_.max_row_bytes) {
    done_ = true;
    Fail(ErrorCode::kInvalidInput,
         RowPrefix(path_, lines_.LineOf(buffer_offset_)) + "row is longer than " +
             std::to_string(tuning_.max_row_bytes) + " bytes (an unterminated quoted field?)");
  }
  const int64_t capacity = std::min(capacity_ * 2, tuning_.max_row_bytes);
  std::unique_ptr<char[]> buffer = NewBuffer(capacity);
  std::memcpy(buffer.get(), buffer_.get(), length_);
  buffer_ = std::move(buffer);
  capacity_ = capacity;
}

// Tokenizes up to `max_rows` complete rows from pos_. Ragged rows become errors (under kStop
// the scan ends at the first). Sets need_data_ when the buffer holds no further complete row.
int CsvSplitReader::ScanRows(int max_rows) {
  ragged_.clear();
  const Tokenizer::Result result =
      tokenizer_->Scan(buffer_.get(), static_cast<uint32_t>(pos_), static_cast<uint32_t>(length_),
                       max_rows, policy_ == BadRowPolicy::kStop, &ragged_);
  for (const RaggedRow& row : ragged_)
    errors_.push_back(RowError{FileOffset(row.start), -1, -1,
                               "expected " + std::to_string(num_fields_) + " fields, found " +
                                   std::to_string(row.fields),
                               std::nullopt});
  pos_ = result.next;
  need_data_ = result.need_data;
  return result.rows;
}

void CsvSplitReader::StartColumns() {
  const int64_t expected_rows = std::min<int64_t>(batch_rows_, 1 << 16);
  for (Output& out : outputs_) {
    out.column = std::make_shared<Column>(out.spec.type);
    out.column->Reserve(expected_rows);
    if (out.spec.type == DataType::kString) out.column->offsets.push_back(0);
  }
}

void CsvSplitReader::Convert(Output* out, int rows) {
  Column& c = *out->column;
  c.length += rows;
  if (!c.valid.empty()) c.valid.resize(c.length, 1);
  switch (out->spec.type) {
    case DataType::kF64:
      ConvertValues(out, rows, &c.f64, std::numeric_limits<double>::quiet_NaN(),
                    [this](std::string_view text, double* value) {
                      return ParseDouble(NumberText(TrimSpaces(text), decimal_, thousands_, &number_), value);
                    });
      break;
    case DataType::kI64:
      ConvertValues(out, rows, &c.i64, int64_t{0}, [this](std::string_view text, int64_t* value) {
        return ParseIntValue(NumberText(TrimSpaces(text), decimal_, thousands_, &number_), value);
      });
      break;
    case DataType::kTimestamp:
      if (out->date_format.empty()) {
        ConvertValues(out, rows, &c.i64, int64_t{0}, [](std::string_view text, int64_t* value) {
          return ParseTimestamp(TrimSpaces(text), value);
        });
      } else {
        ConvertValues(out, rows, &c.i64, int64_t{0}, [out](std::string_view text, int64_t* value) {
          return ParseTimestampFormat(TrimSpaces(text), out->date_format, value);
        });
      }
      break;
    case DataType::kBool:
      ConvertValues(out, rows, &c.u8, uint8_t{0}, [](std::string_view text, uint8_t* value) {
        bool b;
        if (!ParseBool(TrimSpaces(text), &b)) return false;
        *value = b;
        return true;
      });
      break;
    case DataType::kCategory:
      // Null codes are -1 so that a reader forgetting the validity fails loudly.
      ConvertValues(out, rows, &c.codes, int32_t{-1}, [out](std::string_view text, int32_t* code) {
        *code = out->categories.Encode(text);
        return *code >= 0;
      });
      break;
    case DataType::kString:
      ConvertStrings(out, rows);
      break;
  }
}

template <typename T, typename Parse>
void CsvSplitReader::ConvertValues(Output* out, int rows, std::vector<T>* values, T missing,
                                   Parse parse) {
  Column& c = *out->column;
  const int64_t base = c.length - rows;
  values->resize(c.length);
  T* dst = values->data() + base;
  const Span* spans = tokenizer_->spans(out->slot);
  for (int r = 0; r < rows; ++r) {
    const std::string_view text = FieldText(spans[r]);
    if (na_.Matches(text)) {
      dst[r] = missing;
      c.SetNull(base + r);
    } else if (!parse(text, &dst[r])) {
      dst[r] = missing;
      if (!AddConversionError(*out, r, text)) return;
    } else if constexpr (std::is_same_v<T, double>) {
      if (!std::isfinite(dst[r]) && !NotFinite(out, base + r, r, text)) return;
    }
  }
}

// A float that parsed but is not finite (rare). NaN (nan, -nan: not in na_values) is a missing
// value: a float column holds no NaN that is not marked missing. Infinity is a bad value: it
// would poison a mean, a scaler or a model silently. Returns false as AddConversionError does.
bool CsvSplitReader::NotFinite(Output* out, int64_t index, int row, std::string_view text) {
  Column& c = *out->column;
  if (std::isnan(c.f64[index])) {
    c.SetNull(index);
    return true;
  }
  c.f64[index] = std::numeric_limits<double>::quiet_NaN();
  return AddConversionError(*out, row, text);
}

void CsvSplitReader::ConvertStrings(Output* out, int rows) {
  Column& c = *out->column;
  const int64_t base = c.length - rows;
  const size_t first_char = c.chars.size();
  const Span* spans = tokenizer_->spans(out->slot);
  for (int r = 0; r < rows; ++r) {
    const std::string_view text = FieldText(spans[r]);
    if (na_.Matches(text)) {
      c.SetNull(base + r);
    } else {
      c.chars.append(text);
    }
    c.offsets.push_back(static_cast<int64_t>(c.chars.size()));
  }
  // Strings go to Parquet as UTF8, so they must be UTF-8 (and hold no NUL). The segment's text
  // is checked at once: when it is all ASCII, the usual case, so is every value.
  const std::string_view added = std::string_view(c.chars).substr(first_char);
  if (AsciiPrefix(added) == added.size()) return;
  for (int r = 0; r < rows; ++r) {
    const std::string_view text = c.Str(base + r);
    if (!IsUtf8Text(text) && !AddConversionError(*out, r, text)) return;
  }
}

// Records a bad value; returns false when converting this column can stop (under kStop
// only the first error of the segment matters).
bool CsvSplitReader::AddConversionError(const Output& out, int row, std::string_view value) {
  BadValue bad;
  bad.column = out.spec.name;
  bad.value = Printable(value, kMaxQuotedValue);
  bad.type = out.spec.type;
  bad.type_from = out.type_from;
  bad.why = WhyNotParsed(out.spec.type, value);
  bad.path = path_;
  bad.offset = FileOffset(tokenizer_->row_starts()[row]);
  errors_.push_back(RowError{bad.offset, out.spec.field, row, bad.Reason(), std::move(bad)});
  return policy_ != BadRowPolicy::kStop;
}

// Applies the bad-row policy to the segment's errors; returns how many tokenized rows were
// dropped from the columns.
int CsvSplitReader::ResolveErrors(int rows) {
  if (errors_.empty()) return 0;
  std::sort(errors_.begin(), errors_.end(), [](const RowError& a, const RowError& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.field < b.field;
  });
  if (policy_ == BadRowPolicy::kStop) Stop(errors_[0]);
  std::vector<int> dropped;
  int64_t previous_offset = -1;
  for (RowError& e : errors_) {
    if (e.offset == previous_offset) continue;  // one reason per row
    previous_offset = e.offset;
    ++stats_.rows_rejected;
    if (policy_ == BadRowPolicy::kReject) {
      const int64_t line = lines_.LineOf(e.offset);
      if (e.bad) e.bad->line = line;
      stats_.rejects.push_back(RejectedRow{path_, line, e.reason, std::move(e.bad)});
    }
    if (e.row >= 0) dropped.push_back(e.row);
  }
  if (!dropped.empty()) {
    for (Output& out : outputs_) EraseRows(out.column.get(), out.column->length - rows, dropped);
  }
  return static_cast<int>(dropped.size());
}

void CsvSplitReader::RejectUnterminated() {
  const int64_t offset = FileOffset(pos_);
  const std::string reason = "unterminated quoted field";
  if (policy_ == BadRowPolicy::kStop) Stop(RowError{offset, -1, -1, reason, std::nullopt});
  ++stats_.rows_rejected;
  if (policy_ == BadRowPolicy::kReject)
    stats_.rejects.push_back(RejectedRow{path_, lines_.LineOf(offset), reason, std::nullopt});
  pos_ = length_;
}

void CsvSplitReader::Stop(const RowError& error) {
  done_ = true;
  const int64_t line = lines_.LineOf(error.offset);
  std::optional<BadValue> bad = error.bad;
  if (bad) bad->line = line;
  StopAtBadRow(RowPrefix(path_, line), error.reason, std::move(bad));
}

}  // namespace

std::unique_ptr<SplitReader> OpenCsvSplitReader(const Split& split, const ReadOptions& options,
                                                const CsvTuning& tuning, int num_fields,
                                                std::vector<OutputSpec> outputs,
                                                BadRowPolicy policy, int64_t batch_rows) {
  return std::make_unique<CsvSplitReader>(split, options, tuning, num_fields, std::move(outputs),
                                          policy, batch_rows);
}

}  // namespace outcore::csv
