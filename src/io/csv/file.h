#pragma once
// CSV files below the reader: physical line numbers, the header row, and the row-boundary search used to cut a file into splits.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv/dialect.h"
#include "io/input_file.h"
#include "outcore/io.h"

namespace outcore::csv {

/// Physical 1-based line numbers of byte offsets, counted lazily: the fast path never counts
/// lines; a reader asks only when it reports a bad row. Queries with increasing offsets
/// (the usual case: bad rows of one split in order) continue from the previous answer.
class LineLocator {
 public:
  explicit LineLocator(const InputFile& file) : file_(file) {}
  int64_t LineOf(int64_t offset);

 private:
  const InputFile& file_;
  int64_t offset_ = 0;    // counted up to here
  int64_t newlines_ = 0;  // '\n' bytes before offset_
};

/// "path:line: " — the prefix of every message about a row.
std::string RowPrefix(const std::string& path, int64_t line);

/// What the reader needs to know about a file before reading rows.
struct CsvLayout {
  std::vector<std::string> names;  // column names (from the header, or "0", "1", ...)
  int64_t data_begin = 0;          // offset of the first row after the header
  int64_t size = 0;                // file size in bytes
};

/// Reads the header row (skipping a UTF-8 BOM and blank lines before it). Errors: empty file,
/// duplicate column name, unterminated quote in the header.
CsvLayout ReadLayout(const InputFile& file, const ReadOptions& options);

/// Finds row starts for planning: walks the file once, forward, with the quoting rule
/// (dialect.h), so a newline inside a quoted field is never taken for a row end.
class RowBoundaryFinder {
 public:
  /// `begin` must be a row start (outside quotes).
  RowBoundaryFinder(const InputFile& file, int64_t begin, const Dialect& dialect);
  /// The first row start at or after `offset` (>= the previous answer), or the file size.
  int64_t RowStartAtOrAfter(int64_t offset);

 private:
  bool Load(int64_t offset);  // makes chunk_ hold `offset`; false at end of file
  void SkipTo(const char* chunk, const char* stop);

  const InputFile& file_;
  const Dialect dialect_;
  int64_t pos_;  // the quoting state is known up to here
  QuoteState state_ = QuoteState::kFieldStart;  // the state in front of pos_
  std::string chunk_;
  int64_t chunk_offset_ = 0;
  int64_t chunk_length_ = 0;
};

}  // namespace outcore::csv
