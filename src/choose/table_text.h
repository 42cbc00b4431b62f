#pragma once
// Text of the tables tune and learning-curve write: CSV fields, numbers that read back
// exactly, and row counts with thousands separators (plot labels).
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

namespace outcore::choose {

/// A CSV field, quoted (with doubled quotes) when it holds a comma, a quote or a line end.
inline std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

/// 17 significant digits, so that the value reads back exactly; NaN is an empty field.
inline std::string CsvNumber(double v) {
  if (std::isnan(v)) return "";
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

/// 1234567 -> "1,234,567" (n >= 0).
inline std::string Thousands(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

}  // namespace outcore::choose
