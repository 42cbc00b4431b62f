#pragma once
// Builders for small batches in tests.
#include <cmath>
#include <string>
#include <vector>

#include "outcore/column.h"

namespace outcore::testing {

inline ColumnPtr F64(std::vector<double> v) {
  auto c = std::make_shared<Column>(DataType::kF64);
  c->length = static_cast<int64_t>(v.size());
  c->f64 = v;
  for (size_t i = 0; i < v.size(); ++i)
    if (std::isnan(v[i])) c->SetNull(static_cast<int64_t>(i));
  return c;
}

inline ColumnPtr I64(std::vector<int64_t> v, DataType type = DataType::kI64) {
  auto c = std::make_shared<Column>(type);
  c->length = static_cast<int64_t>(v.size());
  c->i64 = v;
  return c;
}

// A string column; "<null>" marks a missing value.
inline ColumnPtr Str(const std::vector<std::string>& v) {
  auto c = std::make_shared<Column>(DataType::kString);
  c->length = static_cast<int64_t>(v.size());
  c->offsets.push_back(0);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != "<null>") c->chars += v[i];
    c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
  }
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] == "<null>") c->SetNull(static_cast<int64_t>(i));
  return c;
}

// A category column with a dictionary in order of first appearance (as the CSV reader makes).
inline ColumnPtr Cat(const std::vector<std::string>& v) {
  auto c = std::make_shared<Column>(DataType::kCategory);
  auto dict = std::make_shared<Dictionary>();
  c->length = static_cast<int64_t>(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == "<null>") {
      c->codes.push_back(0);
      continue;
    }
    size_t k = 0;
    while (k < dict->size() && (*dict)[k] != v[i]) ++k;
    if (k == dict->size()) dict->push_back(v[i]);
    c->codes.push_back(static_cast<int32_t>(k));
  }
  c->dict = dict;
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] == "<null>") c->SetNull(static_cast<int64_t>(i));
  return c;
}

inline Batch MakeBatch(std::vector<std::pair<std::string, ColumnPtr>> cols) {
  Batch b;
  b.num_rows = cols.empty() ? 0 : cols[0].second->length;
  for (auto& [name, col] : cols) b.Add(name, col);
  return b;
}

// "YYYY-MM-DD HH:MM:SS" → microseconds since 1970 (UTC), via timegm.
int64_t Micros(const std::string& text);

}  // namespace outcore::testing
