#include "io/csv/convert.h"

#include <fast_float/fast_float.h>

#include <system_error>

namespace outcore::csv {

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

}  // namespace

bool ParseDouble(std::string_view text, double* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  // 17 bytes hold any short decimal (15 digits, a sign and a point).
  if (text.size() <= 17 && ParseShortDecimal(p, end, out)) return true;
  // fast_float follows std::from_chars, which refuses a leading '+'; CSV writers emit it.
  if (p != end && *p == '+') {
    ++p;
    if (p == end || *p == '-') return false;
  }
  if (p == end) return false;
  fast_float::from_chars_result r = fast_float::from_chars(p, end, *out);
  // Out of range (1e999) still yields inf or 0, as strtod would.
  return r.ptr == end && (r.ec == std::errc() || r.ec == std::errc::result_out_of_range);
}

bool ParseBool(std::string_view text, bool* out) {
  auto lower_equals = [&](const char* word) {
    for (size_t i = 0; i < text.size(); ++i)
      if ((text[i] | 0x20) != word[i]) return false;
    return true;
  };
  switch (text.size()) {
    case 1:
      if (text[0] != '0' && text[0] != '1') return false;
      *out = text[0] == '1';
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

bool ParseTimestamp(std::string_view text, int64_t* out) {
  const char* p = text.data();
  const size_t n = text.size();
  if (n < 10) return false;
  int year, month, day;
  if (!Digits(p, 4, &year) || p[4] != '-' || !Digits(p + 5, 2, &month) || p[7] != '-' ||
      !Digits(p + 8, 2, &day))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return false;
  int hour = 0, minute = 0, second = 0, micros = 0;
  if (n > 10) {
    if (n < 19 || (p[10] != ' ' && p[10] != 'T')) return false;
    if (!Digits(p + 11, 2, &hour) || p[13] != ':' || !Digits(p + 14, 2, &minute) || p[16] != ':' ||
        !Digits(p + 17, 2, &second))
      return false;
    if (hour > 23 || minute > 59 || second > 59) return false;
    if (n > 19) {
      const int fraction_digits = static_cast<int>(n) - 20;
      if (p[19] != '.' || fraction_digits < 1 || fraction_digits > 6) return false;
      if (!Digits(p + 20, fraction_digits, &micros)) return false;
      for (int i = fraction_digits; i < 6; ++i) micros *= 10;
    }
  }
  const int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  *out = seconds * 1000000 + micros;
  return true;
}

std::string_view Unquote(std::string_view field, std::string* scratch) {
  if (field.empty() || field[0] != '"') return field;
  scratch->clear();
  for (size_t i = 1; i < field.size(); ++i) {
    if (field[i] != '"') {
      scratch->push_back(field[i]);
    } else if (i + 1 < field.size() && field[i + 1] == '"') {
      scratch->push_back('"');
      ++i;
    }
    // A lone quote closes (or, in malformed input, reopens) quoting: it is not content.
  }
  return *scratch;
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

}  // namespace outcore::csv
