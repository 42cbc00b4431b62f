#pragma once
// Text-to-value converters shared by every source (CSV fields, Parquet strings read as a
// declared type, PostgreSQL COPY text). Each returns false when the whole field is not a valid
// value of its type; none of them allocates. Also the text checks and the missing-value and
// category helpers the sources share.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "outcore/column.h"

namespace outcore {

/// Decimal int64 with an optional sign; overflow is a failure.
bool ParseInt64(std::string_view text, int64_t* out);
/// Decimal or scientific double, also inf/-inf/nan (via fast_float); trailing junk fails, and
/// so does overflow (1e400: infinity is not what the text says). Underflow gives 0.
bool ParseDouble(std::string_view text, double* out);
/// An int column's value: ParseInt64's, or a decimal or scientific number that is whole and
/// within int64 (69.0, 1e3: what a column of ints written through a float holds, as pandas
/// writes an int column with missing values); 69.5 fails.
bool ParseIntValue(std::string_view text, int64_t* out);
/// `text` with `thousands` separators dropped and the `decimal` mark made '.', into `scratch`
/// (the text itself when neither applies): what ParseDouble and ParseIntValue then read.
std::string_view NumberText(std::string_view text, char decimal, char thousands, std::string* scratch);

/// true/false, t/f, yes/no, y/n in any case, or 1/0 (PostgreSQL writes t/f; pandas reads
/// True/False; spreadsheets write yes/no).
bool ParseBool(std::string_view text, bool* out);
/// YYYY-MM-DD, or YYYY-MM-DD HH:MM[:SS[.f{1,9}]] (also with 'T' for the space), optionally
/// followed by a zone, Z or an offset (+HH, +HHMM, +HH:MM, or -): microseconds since 1970 in
/// UTC (a time with an offset is converted; one without is taken as it is). Fraction digits
/// past the sixth are dropped.
bool ParseTimestamp(std::string_view text, int64_t* out);

/// A datetime in a strftime-style `format` (pandas' `date_format`): %Y (4 digits), %y (2:
/// 69-99 are 1969-1999, 00-68 2000-2068, as Python), %m, %d, %H, %I, %M, %S (1 or 2 digits),
/// %f (1 to 9 fraction digits, kept to the microsecond), %p (AM/PM, any case), %b/%B (English
/// month names or their 3-letter forms, any case), %z (Z or an offset, converted to UTC), %%;
/// any other byte must match itself. The whole text must match. Microseconds since 1970.
bool ParseTimestampFormat(std::string_view text, std::string_view format, int64_t* out);
/// The format's error, or "" when it is one ParseTimestampFormat reads (an unknown %-directive,
/// a trailing %, or no date: %Y or %y, and %m or %b, and %d are required).
std::string DateFormatProblem(std::string_view format);

/// Length of the longest prefix of `text` that is ASCII without NUL (bytes 0x01-0x7F), found
/// 32 bytes at a time.
size_t AsciiPrefix(std::string_view text);
/// True if `text` is UTF-8 without NUL bytes: what a string value may hold (strings are
/// written to Parquet as UTF8). The ASCII prefix, usually all of it, is checked fast.
bool IsUtf8Text(std::string_view text);

/// False if more than 1 byte in 8 of `sample` (and at least 32) is not text: NUL, another
/// control byte than tab and line ends, or not UTF-8. A text file in another encoding has far
/// fewer such bytes than a binary or compressed one.
bool LooksLikeText(std::string_view sample);

/// `text` for a message: cut after `max_bytes` at a character boundary ("..." appended), with
/// NUL, control bytes other than tab and line ends, DEL and bytes that are not UTF-8 shown as
/// \xNN and a byte order mark as \uFEFF, so that messages and reject files stay text.
std::string Printable(std::string_view text, size_t max_bytes);

/// Why `text` is not a value of `type`, when there is more to say than "cannot parse":
/// ": out of range ...", ": infinite ...", ": a decimal comma? ...", ": not UTF-8 ...", or "".
std::string WhyNotParsed(DataType type, std::string_view text);

/// Strips ASCII spaces at both ends: numbers, bools and dates tolerate padding.
inline std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

/// Decides whether a field is one of the missing-value spellings.
class NaMatcher {
 public:
  explicit NaMatcher(const std::vector<std::string>& na_values);
  bool Matches(std::string_view s) const {
    if (s.empty()) return empty_is_na_;
    // Most values (numbers, dates) fail this one table look-up.
    if (!first_char_[static_cast<uint8_t>(s[0])]) return false;
    for (const std::string& na : values_)
      if (na == s) return true;
    return false;
  }

 private:
  bool empty_is_na_ = false;
  bool first_char_[256] = {};
  std::vector<std::string> values_;
};

/// Assigns int32 codes to category values in order of first appearance.
class CategoryEncoder {
 public:
  /// The value's code, or -1 if the value is not UTF-8 text (checked once per new value).
  int32_t Encode(std::string_view value) {
    // Category columns usually hold a handful of values: a short linear scan over the first
    // few distinct ones beats hashing.
    for (int i = 0; i < num_hot_; ++i)
      if (ShortEquals(hot_[i].text, value)) return hot_[i].code;
    return EncodeSlow(value);
  }
  /// The values met so far, ready to share; resets the encoder.
  DictionaryPtr TakeDictionary();

 private:
  struct Hot {
    std::string_view text;  // points into a key of `codes_` (node-based, so stable)
    int32_t code;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  int32_t EncodeSlow(std::string_view value);
  // Category values are short: a byte loop beats a call to memcmp.
  static bool ShortEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

  static constexpr int kHot = 8;
  Hot hot_[kHot];
  int num_hot_ = 0;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> codes_;
  std::vector<std::string> values_;
};

}  // namespace outcore
