// Unquote: undoes the quoting rule of dialect.h in one field.
#include "io/csv/dialect.h"

#include <algorithm>

namespace outcore::csv {

std::string_view Unquote(std::string_view field, const Dialect& dialect, std::string* scratch) {
  if (!dialect.IsQuoted(field.data(), field.size())) return field;
  scratch->clear();
  size_t i = 1;
  for (; i < field.size(); ++i) {
    const char c = field[i];
    if (c == dialect.quote) {
      if (i + 1 < field.size() && field[i + 1] == dialect.quote) {
        scratch->push_back(c);  // "" is a quote
        ++i;
        continue;
      }
      ++i;  // the closing quote: what follows it, up to the delimiter, is data
      break;
    }
    if (dialect.escaping && c == dialect.escape && i + 1 < field.size()) ++i;
    scratch->push_back(field[i]);
  }
  scratch->append(field.substr(std::min(i, field.size())));
  return *scratch;
}

}  // namespace outcore::csv
