#pragma once
/// CompactWriter: serialises Thrift structs with the compact protocol, the encoding of Parquet
/// page headers and file metadata. Callers name each field by its id from parquet.thrift.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace outcore::parquet {

/// Compact-protocol type codes, as used in field headers and list headers.
enum class ThriftType : uint8_t {
  kBoolTrue = 1,  // field header of a true bool; also the element type of bool lists
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Appends one Thrift struct (and everything nested in it) to a string. Fields must be written
/// in increasing id order within each struct; End() closes the outermost struct.
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  void I16(int16_t id, int16_t value);
  void I32(int16_t id, int32_t value);
  void I64(int16_t id, int64_t value);
  void Bool(int16_t id, bool value);
  void Binary(int16_t id, std::string_view value);
  /// Opens a struct-valued field; close it with EndStruct().
  void BeginStruct(int16_t id);
  void EndStruct();
  /// Opens a list-valued field of `size` elements, written next with the List* calls.
  void BeginList(int16_t id, ThriftType element_type, int64_t size);
  void ListI32(int32_t value);
  void ListBinary(std::string_view value);
  /// Opens a struct element of a list; close it with EndStruct().
  void BeginListStruct();
  /// Writes the stop byte of the outermost struct.
  void End();

 private:
  void FieldHeader(int16_t id, ThriftType type);
  void Varint(uint64_t value);
  void ZigZag(int64_t value);

  std::string* out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> enclosing_ids_;  // last field id of each open outer struct
};

}  // namespace outcore::parquet
