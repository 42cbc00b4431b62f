#pragma once
// The CSV dialect (delimiter, quote, escape) and the quoting rule, shared by the header
// reader, the split planner and the tokenizer so that all of them cut rows at the same places.
//
// The rule is RFC 4180's as Python's csv module and pandas apply it: a quote opens a quoted
// field only at the start of a field (right after a delimiter or a line end); a quote inside
// an unquoted field (12" pizza) is data. Inside a quoted field delimiters and line ends are
// data, a doubled quote ("") is a quote, and with an escape character (\) the byte after it
// is data too. After the closing quote, the field goes on unquoted to the next delimiter
// ("ab"cd is abcd). A field that starts with spaces is unquoted (` "x"` keeps its spaces and
// quotes), as in Python's csv module and pandas; DuckDB would strip the spaces.
#include <cstdint>
#include <string>
#include <string_view>

#include "outcore/io.h"

namespace outcore::csv {

/// Where the quoting rule is, in front of a byte.
enum class QuoteState : uint8_t {
  kFieldStart,  // at the start of a field, or right after a closing quote
  kUnquoted,    // inside an unquoted field: a quote is data
  kQuoted,      // inside a quoted field
  kEscaped,     // inside a quoted field, right after the escape character
};

struct Dialect {
  char delimiter = ',';
  bool quoting = true;  // false: quotes are data everywhere
  char quote = '"';
  bool escaping = false;  // an escape character other than the doubled quote
  char escape = '\0';

  explicit Dialect(const ReadOptions& options)
      : delimiter(options.delimiter),
        quoting(options.quote != '\0'),
        quote(options.quote),
        escaping(options.quote != '\0' && options.escape != '\0' &&
                 options.escape != options.quote),
        escape(options.escape) {}

  /// Moves `state` over byte c; returns true if c is a separator (a delimiter or line feed
  /// outside quotes).
  bool Step(QuoteState* state, char c) const {
    switch (*state) {
      case QuoteState::kQuoted:
        if (c == quote) {
          *state = QuoteState::kFieldStart;  // closed; a quote right after reopens ("")
        } else if (escaping && c == escape) {
          *state = QuoteState::kEscaped;
        }
        return false;
      case QuoteState::kEscaped:
        *state = QuoteState::kQuoted;
        return false;
      case QuoteState::kFieldStart:
        if (quoting && c == quote) {
          *state = QuoteState::kQuoted;
          return false;
        }
        [[fallthrough]];
      case QuoteState::kUnquoted:
        break;
    }
    if (c == delimiter || c == '\n') {
      *state = QuoteState::kFieldStart;
      return true;
    }
    *state = QuoteState::kUnquoted;
    return false;
  }

  /// True if the field text (as cut at separators) is quoted: its quotes must be removed.
  bool IsQuoted(const char* field, size_t length) const {
    return quoting && length > 0 && field[0] == quote;
  }
};

inline bool IsInsideQuotes(QuoteState state) {
  return state == QuoteState::kQuoted || state == QuoteState::kEscaped;
}

/// Content of a field as delimited by the scanner: if it starts with a quote, the quoting is
/// undone into `scratch` ("" and an escaped byte become data, the closing quote is dropped,
/// what follows it is kept); otherwise the text is returned as is, without copying.
std::string_view Unquote(std::string_view field, const Dialect& dialect, std::string* scratch);

}  // namespace outcore::csv
