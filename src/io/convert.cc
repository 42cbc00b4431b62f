#include "io/convert.h"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "io/bad_rows.h"

namespace outcore {

bool ParseInt64(std::string_view text, int64_t* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  bool negative = false;
  if (p != end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  if (p == end) return false;
  uint64_t value = 0;
  if (end - p <= 18) {
    // 18 digits cannot overflow 64 bits: no checks in the common case.
    for (; p != end; ++p) {
      unsigned digit = static_cast<unsigned char>(*p) - '0';
      if (digit > 9) return false;
      value = value * 10 + digit;
    }
  } else {
    for (; p != end; ++p) {
      unsigned digit = static_cast<unsigned char>(*p) - '0';
      if (digit > 9) return false;
      if (__builtin_mul_overflow(value, 10u, &value)) return false;
      if (__builtin_add_overflow(value, digit, &value)) return false;
    }
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (value > limit) return false;
  *out = negative ? static_cast<int64_t>(~value + 1) : static_cast<int64_t>(value);
  return true;
}

namespace {

// Plain decimals of at most 15 digits ("8.9", "-0.25", "13"), the bulk of real data, without
// fast_float's generality: the digits and 10^k are exact doubles, so one IEEE division gives
// the correctly rounded value (Clinger's fast path). Returns false for anything else.
bool ParseShortDecimal(const char* p, const char* end, double* out) {
  static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = p != end && *p == '-';
  p += negative;
  uint64_t mantissa = 0;
  int digits = 0;
  for (; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p, ++digits)
    mantissa = mantissa * 10 + static_cast<unsigned char>(*p - '0');
  int fraction_digits = 0;
  if (p != end && *p == '.') {
    for (++p; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p, ++fraction_digits)
      mantissa = mantissa * 10 + static_cast<unsigned char>(*p - '0');
  }
  digits += fraction_digits;
  if (p != end || digits == 0 || digits > 15) return false;
  const double value = static_cast<double>(mantissa) / kPowersOfTen[fraction_digits];
  *out = negative ? -value : value;
  return true;
}

enum class FloatText { kValue, kOverflow, kBad };

FloatText ParseFloatText(std::string_view text, double* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  // fast_float follows std::from_chars, which refuses a leading '+'; CSV writers emit it.
  if (p != end && *p == '+') {
    ++p;
    if (p == end || *p == '-') return FloatText::kBad;
  }
  if (p == end) return FloatText::kBad;
  fast_float::from_chars_result r = fast_float::from_chars(p, end, *out);
  if (r.ptr != end || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
    return FloatText::kBad;
  // Out of range, fast_float (like strtod) gives inf or 0. 0 is the nearest double; inf is not
  // what the text says unless it says inf.
  const char first = p[*p == '-'];
  return std::isinf(*out) && (first | 0x20) != 'i' ? FloatText::kOverflow : FloatText::kValue;
}

}  // namespace

bool ParseDouble(std::string_view text, double* out) {
  // 17 bytes hold any short decimal (15 digits, a sign and a point).
  if (text.size() <= 17 && ParseShortDecimal(text.data(), text.data() + text.size(), out))
    return true;
  return ParseFloatText(text, out) == FloatText::kValue;
}

std::string_view NumberText(std::string_view text, char decimal, char thousands, std::string* scratch) {
  if (decimal == '.' && thousands == '\0') return text;
  scratch->clear();
  for (const char c : text) {
    if (c == thousands) continue;
    scratch->push_back(c == decimal ? '.' : c == '.' ? decimal : c);  // a '.' is not the mark then
  }
  return *scratch;
}

bool ParseIntValue(std::string_view text, int64_t* out) {
  if (ParseInt64(text, out)) return true;
  double x;
  // 2^63 is the first double past int64; every double below it in magnitude that is whole
  // converts exactly.
  if (!ParseDouble(text, &x) || !(std::fabs(x) < 9223372036854775808.0) || x != std::floor(x)) return false;
  *out = static_cast<int64_t>(x);
  return true;
}

bool ParseBool(std::string_view text, bool* out) {
  auto lower_equals = [&](const char* word) {
    for (size_t i = 0; i < text.size(); ++i)
      if ((text[i] | 0x20) != word[i]) return false;
    return true;
  };
  switch (text.size()) {
    case 1:
      switch (text[0] | 0x20) {  // '0' and '1' are unchanged by the case bit
        case '1': case 't': case 'y': *out = true; return true;
        case '0': case 'f': case 'n': *out = false; return true;
        default: return false;
      }
    case 2:
      if (!lower_equals("no")) return false;
      *out = false;
      return true;
    case 3:
      if (!lower_equals("yes")) return false;
      *out = true;
      return true;
    case 4:
      if (!lower_equals("true")) return false;
      *out = true;
      return true;
    case 5:
      if (!lower_equals("false")) return false;
      *out = false;
      return true;
    default:
      return false;
  }
}

namespace {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// Reads `count` decimal digits at p; false if any is not a digit.
inline bool Digits(const char* p, int count, int* out) {
  int value = 0;
  for (int i = 0; i < count; ++i) {
    unsigned digit = static_cast<unsigned char>(p[i]) - '0';
    if (digit > 9) return false;
    value = value * 10 + static_cast<int>(digit);
  }
  *out = value;
  return true;
}

}  // namespace

namespace {

// A zone at text[*at]: Z, or +HH, +HHMM, +HH:MM (or -); minutes east of UTC.
bool ReadZone(std::string_view text, size_t* at, int* offset_minutes) {
  if (*at < text.size() && text[*at] == 'Z') {
    ++*at;
    *offset_minutes = 0;
    return true;
  }
  if (*at >= text.size() || (text[*at] != '+' && text[*at] != '-')) return false;
  const int sign = text[*at] == '-' ? -1 : 1;
  size_t i = *at + 1;
  int hours = 0, minutes = 0;
  if (i + 2 > text.size() || !Digits(text.data() + i, 2, &hours)) return false;
  i += 2;
  if (i < text.size() && text[i] == ':') ++i;
  if (i + 2 <= text.size() && text[i] >= '0' && text[i] <= '9') {
    if (!Digits(text.data() + i, 2, &minutes)) return false;
    i += 2;
  }
  if (hours > 23 || minutes > 59) return false;
  *offset_minutes = sign * (hours * 60 + minutes);
  *at = i;
  return true;
}

}  // namespace

bool ParseTimestamp(std::string_view text, int64_t* out) {
  const char* p = text.data();
  const size_t n = text.size();
  if (n < 10) return false;
  int year, month, day;
  if (!Digits(p, 4, &year) || p[4] != '-' || !Digits(p + 5, 2, &month) || p[7] != '-' ||
      !Digits(p + 8, 2, &day))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return false;
  int hour = 0, minute = 0, second = 0, micros = 0, offset_minutes = 0;
  size_t at = 10;  // the next byte to read
  if (n > 10) {
    if (n < 16 || (p[10] != ' ' && p[10] != 'T')) return false;
    if (!Digits(p + 11, 2, &hour) || p[13] != ':' || !Digits(p + 14, 2, &minute)) return false;
    at = 16;
    if (at < n && p[at] == ':') {  // seconds are optional (ISO 8601's HH:MM)
      if (n < 19 || !Digits(p + 17, 2, &second)) return false;
      at = 19;
      if (at < n && p[at] == '.') {  // 1 to 9 fraction digits, kept to the microsecond
        size_t digits = 0;
        while (at + 1 + digits < n && p[at + 1 + digits] >= '0' && p[at + 1 + digits] <= '9') ++digits;
        if (digits < 1 || digits > 9) return false;
        if (!Digits(p + at + 1, static_cast<int>(std::min<size_t>(digits, 6)), &micros)) return false;
        for (size_t i = digits; i < 6; ++i) micros *= 10;
        at += 1 + digits;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return false;
    // A zone, the time converted to UTC.
    if (at < n && !ReadZone(text, &at, &offset_minutes)) return false;
  }
  if (at != n) return false;
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                          int64_t{offset_minutes} * 60;
  *out = seconds * 1000000 + micros;
  return true;
}

namespace {

// Reads 1 to `max` digits at text[*at], as many as there are.
bool ReadNumber(std::string_view text, size_t* at, int max, int* out) {
  int value = 0, digits = 0;
  while (digits < max && *at < text.size() && text[*at] >= '0' && text[*at] <= '9') {
    value = value * 10 + (text[(*at)++] - '0');
    ++digits;
  }
  *out = value;
  return digits > 0;
}

bool LowerStartsWith(std::string_view text, size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if ((text[at + i] | 0x20) != word[i]) return false;
  return true;
}

constexpr const char* kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                   "july",    "august",   "september", "october", "november", "december"};

}  // namespace

std::string DateFormatProblem(std::string_view format) {
  bool year = false, month = false, day = false;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (++i == format.size()) return "ends with a lone %";
    switch (format[i]) {
      case 'Y': case 'y': year = true; break;
      case 'm': case 'b': case 'B': month = true; break;
      case 'd': day = true; break;
      case 'H': case 'I': case 'M': case 'S': case 'f': case 'p': case 'z': case '%': break;
      default:
        return std::string("has %") + format[i] + ", which is not one of %Y %y %m %d %H %I %M %S %f %p %b %B %z %%";
    }
  }
  if (!year || !month || !day) return "needs a year (%Y or %y), a month (%m or %b) and a day (%d)";
  return "";
}

bool ParseTimestampFormat(std::string_view text, std::string_view format, int64_t* out) {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0, offset = 0;
  int pm = -1;  // %p: 0 AM, 1 PM
  size_t at = 0;
  for (size_t f = 0; f < format.size(); ++f) {
    if (format[f] != '%') {
      if (at >= text.size() || text[at] != format[f]) return false;
      ++at;
      continue;
    }
    if (++f == format.size()) return false;
    int value = 0;
    switch (format[f]) {
      case 'Y':
        if (at + 4 > text.size() || !Digits(text.data() + at, 4, &year)) return false;
        at += 4;
        break;
      case 'y':
        if (at + 2 > text.size() || !Digits(text.data() + at, 2, &value)) return false;
        year = value < 69 ? 2000 + value : 1900 + value;
        at += 2;
        break;
      case 'm': if (!ReadNumber(text, &at, 2, &month)) return false; break;
      case 'd': if (!ReadNumber(text, &at, 2, &day)) return false; break;
      case 'H': case 'I': if (!ReadNumber(text, &at, 2, &hour)) return false; break;
      case 'M': if (!ReadNumber(text, &at, 2, &minute)) return false; break;
      case 'S': if (!ReadNumber(text, &at, 2, &second)) return false; break;
      case 'f': {
        size_t digits = 0;
        while (at + digits < text.size() && text[at + digits] >= '0' && text[at + digits] <= '9') ++digits;
        if (digits < 1 || digits > 9) return false;
        if (!Digits(text.data() + at, static_cast<int>(std::min<size_t>(digits, 6)), &micros)) return false;
        for (size_t i = digits; i < 6; ++i) micros *= 10;
        at += digits;
        break;
      }
      case 'p':
        if (LowerStartsWith(text, at, "am")) pm = 0;
        else if (LowerStartsWith(text, at, "pm")) pm = 1;
        else return false;
        at += 2;
        break;
      case 'b': case 'B': {
        int found = 0;
        for (int m = 0; m < 12 && !found; ++m) {
          const std::string_view name = kMonths[m];
          if (LowerStartsWith(text, at, name)) found = m + 1, at += name.size();
          else if (LowerStartsWith(text, at, name.substr(0, 3))) found = m + 1, at += 3;
        }
        if (!found) return false;
        month = found;
        break;
      }
      case 'z': if (!ReadZone(text, &at, &offset)) return false; break;
      case '%':
        if (at >= text.size() || text[at] != '%') return false;
        ++at;
        break;
      default: return false;
    }
  }
  if (at != text.size()) return false;
  if (pm >= 0) {  // a 12-hour clock
    if (hour < 1 || hour > 12) return false;
    hour = hour % 12 + 12 * pm;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - int64_t{offset} * 60;
  *out = seconds * 1000000 + micros;
  return true;
}

namespace {

// Length of the UTF-8 sequence at p (1 to 4 bytes, `available` at most), or 0 if the bytes
// there are not one: a stray continuation byte, an overlong form, a surrogate, a code point
// past U+10FFFF, a sequence cut short (Unicode 15, table 3-7).
int Utf8Length(const unsigned char* p, size_t available) {
  const unsigned lead = p[0];
  if (lead < 0x80) return 1;
  int length;
  unsigned low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (available < static_cast<size_t>(length) || p[1] < low || p[1] > high) return 0;
  for (int i = 2; i < length; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  return length;
}

// Bytes a terminal would not show: controls other than tab and line ends, and DEL.
bool IsControl(unsigned c) {
  return c == 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\r');
}

}  // namespace

size_t AsciiPrefix(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  // A word at a time: a byte >= 0x80 has its top bit set, and a zero byte gets it by the
  // subtraction (whose borrows can only raise false alarms, which the byte loop clears).
  constexpr uint64_t kOnes = 0x0101010101010101, kTops = 0x8080808080808080;
  auto clean = [&](size_t at, int words) {
    uint64_t bits = 0;
    for (int k = 0; k < words; ++k) {
      uint64_t word;
      std::memcpy(&word, p + at + 8 * k, 8);
      bits |= word | (word - kOnes);
    }
    return (bits & kTops) == 0;
  };
  while (i + 32 <= n && clean(i, 4)) i += 32;
  while (i + 8 <= n && clean(i, 1)) i += 8;
  // Then byte by byte (c - 1 wraps NUL to 0xFF).
  while (i < n && static_cast<unsigned char>(p[i] - 1) < 0x7F) ++i;
  return i;
}

bool IsUtf8Text(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = AsciiPrefix(text); i < n;) {
    if (p[i] == 0) return false;
    const int length = Utf8Length(p + i, n - i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

bool LooksLikeText(std::string_view sample) {
  const auto* p = reinterpret_cast<const unsigned char*>(sample.data());
  size_t not_text = 0;
  for (size_t i = 0; i < sample.size();) {
    const int length = Utf8Length(p + i, sample.size() - i);
    if (length == 0 || IsControl(p[i])) {
      ++not_text;
      ++i;
    } else {
      i += length;
    }
  }
  return not_text < 32 || not_text * 8 <= sample.size();
}

std::string Printable(std::string_view text, size_t max_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = std::min(text.size(), max_bytes);
  std::string shown;
  size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    const int length = Utf8Length(p + i, text.size() - i);
    if (i + std::max(length, 1) > n) break;  // a character cut by the limit
    if (length == 0 || IsControl(c)) {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\x%02X", c);
      shown += escape;
      ++i;
      continue;
    }
    const std::string_view character = text.substr(i, length);
    shown += character == "\xEF\xBB\xBF" ? std::string_view("\\uFEFF") : character;
    i += length;
  }
  if (i < text.size()) shown += "...";
  return shown;
}

std::string WhyNotParsed(DataType type, std::string_view text) {
  // Text in another encoding (Latin-1 'Jos\xE9') is an encoding problem in any column: a
  // numeric column inferred from the rows around it must say so, not that it is no number.
  if (!IsUtf8Text(text) && text.find('\0') == std::string_view::npos)
    return ": not UTF-8 (convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8)";
  switch (type) {
    case DataType::kI64: {
      double value;
      if (ParseDouble(TrimSpaces(text), &value) && std::isfinite(value))
        return value == std::floor(value) ? ": out of range for a 64-bit int (declare the column as float)"
                                          : ": not a whole number (declare the column as float)";
      std::string_view digits = TrimSpaces(text);
      if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
      const bool all_digits = !digits.empty() && digits.find_first_not_of("0123456789") ==
                                                     std::string_view::npos;
      return all_digits ? ": out of range for a 64-bit int (declare the column as float)" : "";
    }
    case DataType::kF64: {
      const std::string_view number = TrimSpaces(text);
      double value;
      const FloatText parsed = ParseFloatText(number, &value);
      if (parsed == FloatText::kOverflow) return ": out of range for a 64-bit float";
      if (parsed == FloatText::kValue && std::isinf(value))
        return std::string(kInfiniteWhy) + " (add it to na_values to read it as missing)";
      std::string with_point(number);
      const size_t comma = with_point.find(',');
      if (comma != std::string::npos && with_point.find(',', comma + 1) == std::string::npos) {
        with_point[comma] = '.';
        if (ParseDouble(with_point, &value))
          return ": a decimal comma? (the decimal point must be '.')";
      }
      return "";
    }
    case DataType::kString:
    case DataType::kCategory:
      if (text.find('\0') != std::string_view::npos) return ": NUL byte";
      return IsUtf8Text(text)
                 ? ""
                 : ": not UTF-8 (convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8)";
    default:
      return "";
  }
}

NaMatcher::NaMatcher(const std::vector<std::string>& na_values) {
  for (const std::string& na : na_values) {
    if (na.empty()) {
      empty_is_na_ = true;
    } else {
      first_char_[static_cast<uint8_t>(na[0])] = true;
      values_.push_back(na);
    }
  }
}

int32_t CategoryEncoder::EncodeSlow(std::string_view value) {
  auto it = codes_.find(value);
  if (it != codes_.end()) return it->second;
  // A new value: the one time it is checked.
  if (!IsUtf8Text(value)) return -1;
  const int32_t code = static_cast<int32_t>(values_.size());
  it = codes_.emplace(std::string(value), code).first;
  values_.emplace_back(value);
  if (num_hot_ < kHot) hot_[num_hot_++] = Hot{it->first, code};
  return code;
}

DictionaryPtr CategoryEncoder::TakeDictionary() {
  auto dict = std::make_shared<const Dictionary>(std::move(values_));
  values_.clear();
  codes_.clear();
  num_hot_ = 0;
  return dict;
}

}  // namespace outcore
