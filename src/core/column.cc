#include "outcore/column.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "outcore/error.h"

namespace outcore {

std::string_view TypeName(DataType type) {
  switch (type) {
    case DataType::kF64: return "float";
    case DataType::kI64: return "int";
    case DataType::kBool: return "bool";
    case DataType::kTimestamp: return "datetime";
    case DataType::kString: return "string";
    case DataType::kCategory: return "category";
  }
  return "?";
}

std::optional<DataType> ParseTypeName(std::string_view n) {
  if (n == "float" || n == "float64" || n == "double" || n == "f64") return DataType::kF64;
  if (n == "int" || n == "int64" || n == "i64" || n == "integer") return DataType::kI64;
  if (n == "bool" || n == "boolean") return DataType::kBool;
  if (n == "datetime" || n == "timestamp" || n == "datetime64[ns]") return DataType::kTimestamp;
  if (n == "string" || n == "str" || n == "object") return DataType::kString;
  if (n == "category") return DataType::kCategory;
  return std::nullopt;
}

double Column::AsDouble(int64_t i) const {
  if (IsNull(i)) return std::nan("");
  switch (type) {
    case DataType::kF64: return f64[i];
    case DataType::kI64:
    case DataType::kTimestamp: return static_cast<double>(i64[i]);
    case DataType::kBool: return u8[i];
    default: Fail(ErrorCode::kInternal, "AsDouble on a " + std::string(TypeName(type)) + " column");
  }
}

std::string FormatTimestamp(int64_t micros) {
  // Floor division by remainders, which cannot overflow even at INT64_MIN.
  int64_t secs = micros / 1000000, frac = micros % 1000000;
  if (frac < 0) --secs, frac += 1000000;
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  if (!gmtime_r(&t, &tm))  // a year that does not fit in an int
    return "(out of range: " + std::to_string(micros) + " microseconds since 1970)";
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (frac != 0) std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(frac));
  return buf;
}

std::string Column::ToString(int64_t i) const {
  if (IsNull(i)) return "";
  switch (type) {
    case DataType::kF64: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, f64[i]);
      return std::string(buf, r.ptr);
    }
    case DataType::kI64: return std::to_string(i64[i]);
    case DataType::kBool: return u8[i] ? "true" : "false";
    case DataType::kTimestamp: return FormatTimestamp(i64[i]);
    case DataType::kString: return std::string(Str(i));
    case DataType::kCategory: return std::string(Category(i));
  }
  return "";
}

void Column::SetNull(int64_t i) {
  if (static_cast<int64_t>(valid.size()) < length) valid.resize(length, 1);  // rows appended since
  if (valid[i]) {
    valid[i] = 0;
    ++null_count;
  }
}

void Column::Reserve(int64_t n, int64_t bytes) {
  switch (type) {
    case DataType::kF64: f64.reserve(n); break;
    case DataType::kI64:
    case DataType::kTimestamp: i64.reserve(n); break;
    case DataType::kBool: u8.reserve(n); break;
    case DataType::kString:
      offsets.reserve(n + 1);
      chars.reserve(bytes);
      break;
    case DataType::kCategory: codes.reserve(n); break;
  }
}

std::string Schema::Names() const {
  std::string out;
  for (const auto& f : fields_) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].name == name) return static_cast<int>(i);
  return -1;
}

const ColumnPtr& Batch::Get(std::string_view name) const {
  int i = schema.IndexOf(name);
  if (i < 0) Fail(ErrorCode::kSchema, "column '" + std::string(name) + "' is not in the data");
  return columns[i];
}

ColumnPtr Batch::Find(std::string_view name) const {
  int i = schema.IndexOf(name);
  return i < 0 ? nullptr : columns[i];
}

void Batch::Add(std::string name, ColumnPtr column) {
  schema.Add({std::move(name), column->type});
  columns.push_back(std::move(column));
}

void Batch::Set(std::string name, ColumnPtr column) {
  int i = schema.IndexOf(name);
  if (i < 0) return Add(std::move(name), std::move(column));
  std::vector<Field> fields = schema.fields();
  fields[i].type = column->type;
  schema = Schema(std::move(fields));
  columns[i] = std::move(column);
}

void Batch::Remove(std::string_view name) {
  int i = schema.IndexOf(name);
  if (i < 0) return;
  std::vector<Field> fields = schema.fields();
  fields.erase(fields.begin() + i);
  schema = Schema(std::move(fields));
  columns.erase(columns.begin() + i);
}

}  // namespace outcore
