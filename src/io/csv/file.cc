#include "io/csv/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_set>

#include "io/convert.h"
#include "outcore/error.h"

namespace outcore::csv {

namespace {

constexpr int64_t kChunkBytes = 1 << 20;
constexpr int64_t kMaxHeaderBytes = 64 << 20;
// How much of the start of a file is looked at to tell text from binary.
constexpr int64_t kSniffBytes = 4096;

// What a CSV file given by mistake may really be, told by its first bytes.
struct Signature {
  std::string_view magic;
  const char* what;
};
constexpr char kUtf16[] = "UTF-16 text (convert it to UTF-8, e.g. iconv -f utf-16 -t utf-8)";
const Signature kNotCsv[] = {
    {{"PK\x03\x04", 4}, "a zip file (extract it first)"},
    {{"\xfd" "7zXZ\0", 6}, "an xz file (decompress it first)"},
    {{"PAR1", 4}, "a Parquet file (name it *.parquet)"},
    {{"\xff\xfe", 2}, kUtf16},
    {{"\xfe\xff", 2}, kUtf16},
};
constexpr char kNotTextAdvice[] =
    "; is it a binary or compressed file, or text in another encoding (then convert it to UTF-8, "
    "e.g. iconv -f latin1 -t utf-8)?";

// One row of text starting at `offset`, without its line end; the quoting rule decides which
// newline ends it. Used for the header only, so a simple byte loop is fast enough.
struct RowText {
  std::string text;
  int64_t next = 0;           // offset after the row's '\n' (or the file size)
  bool unterminated = false;  // the file ended inside quotes
  bool too_long = false;      // cut after kMaxHeaderBytes
};

RowText ReadRowText(const InputFile& file, int64_t offset, const Dialect& dialect) {
  RowText row;
  std::string chunk(64 << 10, '\0');
  QuoteState state = QuoteState::kFieldStart;
  int64_t pos = offset;
  while (true) {
    const int64_t n = file.Read(pos, static_cast<int64_t>(chunk.size()), chunk.data());
    if (n == 0) {
      row.next = pos;
      row.unterminated = IsInsideQuotes(state);
      break;
    }
    int64_t i = 0;
    for (; i < n; ++i) {
      const char c = chunk[i];
      if (dialect.Step(&state, c) && c == '\n') break;
    }
    row.text.append(chunk.data(), i);
    if (i < n) {
      row.next = pos + i + 1;
      break;
    }
    pos += n;
    if (static_cast<int64_t>(row.text.size()) > kMaxHeaderBytes) {
      row.too_long = true;
      break;
    }
  }
  if (!row.unterminated && !row.text.empty() && row.text.back() == '\r') row.text.pop_back();
  return row;
}

// A CR outside quotes that does not end the row (whose CRLF is already cut off).
bool HasLoneCr(std::string_view text, const Dialect& dialect) {
  QuoteState state = QuoteState::kFieldStart;
  for (const char c : text) {
    dialect.Step(&state, c);
    if (c == '\r' && !IsInsideQuotes(state)) return true;
  }
  return false;
}

// Refuses a file that is not CSV text, before its rows are parsed into nonsense: a known
// binary format, or a start that is mostly not text.
void CheckLooksLikeText(const InputFile& file) {
  std::string head(kSniffBytes, '\0');
  head.resize(file.Read(0, kSniffBytes, head.data()));
  for (const Signature& signature : kNotCsv)
    if (head.starts_with(signature.magic))
      Fail(ErrorCode::kInvalidInput,
           file.path() + ": not CSV text: it starts like " + signature.what);
  if (!LooksLikeText(head))
    Fail(ErrorCode::kInvalidInput,
         file.path() + ": not CSV text: many of its first bytes are not UTF-8" + kNotTextAdvice);
}

// The header (or, without one, the first row) at `pos` fixes the columns: it must be UTF-8
// text, with LF or CRLF line ends, and complete.
void CheckFirstRow(const InputFile& file, int64_t pos, const RowText& row, bool header,
                   const Dialect& dialect) {
  const std::string what = header ? "the header" : "the first row";
  std::string problem;
  if (!IsUtf8Text(row.text)) {
    problem = "not CSV text: " + what + " is not UTF-8" + kNotTextAdvice;
  } else if (HasLoneCr(row.text, dialect)) {
    problem = what +
              " holds a carriage return (CR) without a line feed: lines that end in CR alone "
              "(classic Mac) are not read; convert them to LF, e.g. tr '\\r' '\\n'";
  } else if (row.unterminated) {
    problem = "unterminated quoted field";
  } else if (row.too_long) {
    problem = what + " is longer than 64 MB";
  } else {
    return;
  }
  LineLocator lines(file);
  Fail(ErrorCode::kInvalidInput, RowPrefix(file.path(), lines.LineOf(pos)) + problem);
}

// Splits a row at delimiters outside quotes and unquotes each field.
std::vector<std::string> SplitFields(const std::string& text, const Dialect& dialect) {
  std::vector<std::string> fields;
  std::string scratch;
  QuoteState state = QuoteState::kFieldStart;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || dialect.Step(&state, text[i])) {
      const std::string_view field = std::string_view(text).substr(start, i - start);
      fields.emplace_back(Unquote(field, dialect, &scratch));
      start = i + 1;
    }
  }
  return fields;
}

}  // namespace

int64_t LineLocator::LineOf(int64_t offset) {
  if (offset < offset_) {
    offset_ = 0;
    newlines_ = 0;
  }
  std::string chunk(std::min<int64_t>(kChunkBytes, std::max<int64_t>(offset - offset_, 1)), '\0');
  while (offset_ < offset) {
    const int64_t want = std::min<int64_t>(static_cast<int64_t>(chunk.size()), offset - offset_);
    const int64_t n = file_.Read(offset_, want, chunk.data());
    if (n == 0) break;
    newlines_ += std::count(chunk.data(), chunk.data() + n, '\n');
    offset_ += n;
  }
  return newlines_ + 1;
}

std::string RowPrefix(const std::string& path, int64_t line) {
  return path + ":" + std::to_string(line) + ": ";
}

CsvLayout ReadLayout(const InputFile& file, const ReadOptions& options) {
  CsvLayout layout;
  layout.size = file.size();
  CheckLooksLikeText(file);
  const Dialect dialect(options);
  char bom[3] = {};
  int64_t pos = 0;
  if (file.Read(0, 3, bom) == 3 && std::memcmp(bom, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  layout.data_begin = pos;  // where rows start if there is no header
  // The first non-blank row: the header, or (without one) the row that sets the width.
  RowText row;
  bool found = false;  // a non-blank row (a stream's size is unknown: its end is a short read)
  while (pos < file.size()) {
    row = ReadRowText(file, pos, dialect);
    CheckFirstRow(file, pos, row, options.header, dialect);
    if (!row.text.empty()) {
      found = true;
      break;
    }
    if (row.next == pos) break;  // the end of the file
    pos = row.next;
  }
  if (!found) {
    if (options.header)
      Fail(ErrorCode::kInvalidInput, file.path() + ": empty file (expected a header row)");
    return layout;
  }
  std::vector<std::string> fields = SplitFields(row.text, dialect);
  if (!options.header) {
    for (size_t i = 0; i < fields.size(); ++i) layout.names.push_back(std::to_string(i));
    return layout;
  }
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    // As pandas does: a nameless column still needs a name to be asked for.
    if (fields[i].empty()) fields[i] = "Unnamed: " + std::to_string(i);
    if (!seen.insert(fields[i]).second)
      Fail(ErrorCode::kInvalidInput,
           file.path() + ": duplicate column name '" + fields[i] + "' in the header");
  }
  layout.names = std::move(fields);
  layout.data_begin = row.next;
  return layout;
}

RowBoundaryFinder::RowBoundaryFinder(const InputFile& file, int64_t begin, const Dialect& dialect)
    : file_(file), dialect_(dialect), pos_(begin), chunk_(kChunkBytes, '\0') {}

// Moves the quoting state from pos_ over chunk[pos_, stop) without looking at every byte: only
// a quote (or, inside quotes, an escape) changes it other than the byte before it does.
void RowBoundaryFinder::SkipTo(const char* chunk, const char* stop) {
  const char* p = chunk + (pos_ - chunk_offset_);
  while (p < stop) {
    if (state_ == QuoteState::kEscaped) {
      dialect_.Step(&state_, *p++);
      continue;
    }
    const bool inside = state_ == QuoteState::kQuoted;
    const char* next = nullptr;
    if (dialect_.quoting) next = static_cast<const char*>(std::memchr(p, dialect_.quote, stop - p));
    if (inside && dialect_.escaping) {
      const char* end = next != nullptr ? next : stop;
      const char* escape = static_cast<const char*>(std::memchr(p, dialect_.escape, end - p));
      if (escape != nullptr) next = escape;
    }
    const char* until = next != nullptr ? next : stop;
    // Outside quotes the state in front of `until` is set by the byte before it.
    if (!inside && until > p)
      state_ = until[-1] == dialect_.delimiter || until[-1] == '\n' ? QuoteState::kFieldStart
                                                                      : QuoteState::kUnquoted;
    if (next == nullptr) break;
    dialect_.Step(&state_, *next);
    p = next + 1;
  }
  pos_ = chunk_offset_ + (stop - chunk);
}

bool RowBoundaryFinder::Load(int64_t offset) {
  if (offset >= chunk_offset_ && offset < chunk_offset_ + chunk_length_) return true;
  chunk_offset_ = offset;
  chunk_length_ = file_.Read(offset, kChunkBytes, chunk_.data());
  return chunk_length_ > 0;
}

int64_t RowBoundaryFinder::RowStartAtOrAfter(int64_t offset) {
  // A row starts at `offset` iff the byte before it is a newline outside quotes, so the
  // search for that newline begins at offset - 1. Up to there only the quoting state
  // matters: SkipTo jumps from quote to quote with memchr, at memory speed.
  const int64_t search_from = std::max(pos_, offset - 1);
  while (pos_ < search_from) {
    if (!Load(pos_)) return pos_ = file_.size();
    const char* chunk = chunk_.data();
    SkipTo(chunk, chunk + (std::min(search_from, chunk_offset_ + chunk_length_) - chunk_offset_));
  }
  while (true) {
    if (!Load(pos_)) return pos_ = file_.size();
    const char* chunk = chunk_.data();
    for (int64_t i = pos_ - chunk_offset_; i < chunk_length_; ++i) {
      const char c = chunk[i];
      if (dialect_.Step(&state_, c) && c == '\n') return pos_ = chunk_offset_ + i + 1;
    }
    pos_ = chunk_offset_ + chunk_length_;
  }
}

}  // namespace outcore::csv
