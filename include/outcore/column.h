#pragma once
/// The columnar core: DataType, Column (typed buffer + validity), Schema and Batch.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outcore {

/// Logical type of a column. timestamp = int64 microseconds since 1970-01-01, no zone;
/// category = int32 codes into a dictionary of strings.
enum class DataType : uint8_t { kF64, kI64, kBool, kTimestamp, kString, kCategory };

/// The spec/model name of a type: float, int, bool, datetime, string, category.
std::string_view TypeName(DataType type);
/// "YYYY-MM-DD HH:MM:SS[.ffffff]" for microseconds since 1970.
std::string FormatTimestamp(int64_t micros);
/// Parses a type name (also accepts pandas/numpy spellings: float64, int64, object, ...).
std::optional<DataType> ParseTypeName(std::string_view name);
inline bool IsNumeric(DataType t) {
  return t == DataType::kF64 || t == DataType::kI64 || t == DataType::kBool;
}

/// The values of a category column. Shared by pointer between columns.
using Dictionary = std::vector<std::string>;
using DictionaryPtr = std::shared_ptr<const Dictionary>;

/// One column of a batch. Only the buffer matching `type` is used:
///   f64 -> f64; i64, timestamp -> i64; bool -> u8 (0/1);
///   string -> offsets (length+1) into chars; category -> codes into dict.
/// `valid` is empty when no value is missing, else one byte per row (1 = present).
/// Built mutable, then shared as ColumnPtr (immutable).
struct Column {
  DataType type = DataType::kF64;
  int64_t length = 0;
  int64_t null_count = 0;
  std::vector<uint8_t> valid;

  std::vector<double> f64;
  std::vector<int64_t> i64;
  std::vector<uint8_t> u8;
  std::vector<int64_t> offsets;
  std::string chars;
  std::vector<int32_t> codes;
  DictionaryPtr dict;
  // True when dict is a declared list of categories (values may be absent from the data),
  // false when it just holds the values met, in order of appearance.
  bool declared_dict = false;

  explicit Column(DataType t = DataType::kF64) : type(t) {}

  bool IsNull(int64_t i) const { return !valid.empty() && valid[i] == 0; }
  std::string_view Str(int64_t i) const {
    return std::string_view(chars.data() + offsets[i], offsets[i + 1] - offsets[i]);
  }
  /// Text of a category value (empty if null).
  std::string_view Category(int64_t i) const {
    return IsNull(i) ? std::string_view() : std::string_view((*dict)[codes[i]]);
  }
  /// Value as double for numeric types (f64, i64, bool, timestamp); NaN if null.
  double AsDouble(int64_t i) const;
  /// Value rendered as text (for CSV output and messages); "" if null.
  std::string ToString(int64_t i) const;

  /// Marks row i missing, allocating the validity buffer (or extending it to `length`).
  void SetNull(int64_t i);
  /// Reserves space for n rows (and `bytes` of string data).
  void Reserve(int64_t n, int64_t bytes = 0);
};
using ColumnPtr = std::shared_ptr<const Column>;

struct Field {
  std::string name;
  DataType type;
  bool operator==(const Field&) const = default;
};

/// Ordered (name, type) pairs.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}
  const std::vector<Field>& fields() const { return fields_; }
  int size() const { return static_cast<int>(fields_.size()); }
  const Field& field(int i) const { return fields_[i]; }
  /// Index of a field by name, or -1.
  int IndexOf(std::string_view name) const;
  /// The field names, comma-separated ("a, b, c"): for messages.
  std::string Names() const;
  void Add(Field f) { fields_.push_back(std::move(f)); }
  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

/// A set of equal-length columns: the unit that flows through a pipeline (~64k rows).
struct Batch {
  Schema schema;
  std::vector<ColumnPtr> columns;
  int64_t num_rows = 0;

  /// Column by name; throws a schema error naming the missing column.
  const ColumnPtr& Get(std::string_view name) const;
  /// Column by name, or nullptr.
  ColumnPtr Find(std::string_view name) const;
  void Add(std::string name, ColumnPtr column);
  /// Replaces a column of the same name in place (keeping position), or appends it.
  void Set(std::string name, ColumnPtr column);
  void Remove(std::string_view name);
};

}  // namespace outcore
