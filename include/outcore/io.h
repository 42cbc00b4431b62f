#pragma once
/// Input: how inputs are read (read options, stored in the model) and the rows a read cannot
/// read (bad values, rejected rows, the rejects file). Sources and splits are in source.h.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/error.h"

namespace outcore {

/// What to do with a row that cannot be read.
enum class BadRowPolicy { kStop, kSkip, kReject };

/// How text input is read. Stored in the model file so predict reads as fit did.
struct ReadOptions {
  char delimiter = ',';
  // delimiter = "auto": chosen among , ; tab | from the first CSV input (ResolveDelimiter in
  // source.h) before anything is read; a model always stores the concrete delimiter.
  bool sniff_delimiter = false;
  char quote = '"';   // opens a quoted field at a field's start; '\0': no quoting
  char escape = '\0';  // makes the next byte in a quoted field data; '\0': only "" (doubled)
  bool header = true;
  // pandas' default missing-value spellings (read_csv's STR_NA_VALUES); na_values replaces them.
  std::vector<std::string> na_values = {"",     "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN",
                                        "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL",
                                        "NaN",  "None", "n/a",      "nan", "null"};
  std::map<std::string, DataType> dtypes;  // declared types by column name
  std::vector<std::string> parse_dates;    // columns read as timestamp
  int64_t infer_rows = 10000;              // sample size for inferring undeclared types
  char decimal = '.';    // the decimal mark of numbers (',' in much of Europe)
  char thousands = '\0';  // a digit-group separator dropped from numbers ('\0': none)
  // strftime-style formats of datetime columns (ParseTimestampFormat): `date_format` for every
  // one, or `date_formats` per column; a column without one reads ISO 8601. (CSV.)
  std::string date_format;
  std::map<std::string, std::string> date_formats;

  /// The format of datetime column `column`: its own, else date_format ("" = ISO 8601).
  const std::string& DateFormatOf(const std::string& column) const {
    auto it = date_formats.find(column);
    return it != date_formats.end() ? it->second : date_format;
  }
};

/// The `quote` read option as text: one character, or "" or "none" for no quoting (stored as
/// '\0'). False if the text is neither.
bool ParseQuoteOption(const std::string& text, char* quote);
/// The `escape` read option as text: one character, or "" for none (only the doubled quote).
bool ParseEscapeOption(const std::string& text, char* escape);
/// The options' text as the two functions above read it ("none" and "" for '\0').
std::string QuoteOptionText(char quote);
std::string EscapeOptionText(char escape);

/// A value that cannot be read as its column's type, as the reader that met it describes it:
/// callers decide from these fields, never from the message text.
struct BadValue {
  /// Where the column's type came from.
  enum class TypeFrom {
    kInferred,  // CSV: guessed from the first rows (or a model that guessed so at fit)
    kDeclared,  // named in the read options' dtypes or parse_dates
    kStored,    // the input's own type (a Parquet or PostgreSQL column)
  };
  std::string column;
  std::string value;  // as messages show it: cut to 200 bytes (80 for PostgreSQL), and in CSV
                      // with unprintable bytes escaped
  DataType type = DataType::kF64;  // the type it was to be read as
  TypeFrom type_from = TypeFrom::kStored;
  std::string why;  // said after "as TYPE", or empty
  // Where: the file (or PostgreSQL table) and the row, as the source counts rows.
  std::string path;
  int64_t line = 0;        // CSV: 1-based physical line where the row starts; Parquet and
                           // PostgreSQL: the row's number from 1
  int64_t row_group = -1;  // Parquet: the row group's index from 0
  int64_t offset = -1;     // CSV: the byte offset in the file where the row starts

  /// "column 'X': cannot parse 'V' as TYPE" and the why: the reason messages and rejects
  /// files give.
  std::string Reason() const;
};

/// One row that could not be read, kept when the policy is kReject.
struct RejectedRow {
  std::string path;
  int64_t line = 0;  // 1-based physical line where the row starts
  std::string reason;
  std::optional<BadValue> bad;  // the value that made the row bad (none for a ragged row)
};

/// The error a read stops with under BadRowPolicy::kStop: its message names the place and
/// the reason; `bad()` is the value when a value (not the row's shape) was bad.
class BadRowError : public Error {
 public:
  BadRowError(const std::string& message, std::optional<BadValue> bad)
      : Error(ErrorCode::kInvalidInput, message), bad_(std::move(bad)) {}
  const std::optional<BadValue>& bad() const { return bad_; }

 private:
  std::optional<BadValue> bad_;
};

/// Writes rejected rows as CSV (file,line,reason), appending if `append`.
void WriteRejects(const std::string& path, const std::vector<RejectedRow>& rows, bool append);

}  // namespace outcore
