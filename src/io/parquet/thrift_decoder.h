#pragma once
/// CompactReader: decodes Thrift compact-protocol structs (Parquet page headers and file
/// metadata) from untrusted bytes. Every length and count is checked against the bytes that
/// remain, nesting is capped, and any inconsistency is an Error(kInvalidInput) that starts
/// with the context given at construction (e.g. "data.parquet: file metadata").
#include <cstdint>
#include <string>
#include <string_view>

#include "io/parquet/thrift_compact.h"

namespace outcore::parquet {

class CompactReader {
 public:
  /// Header of a list (or set): its element type and size (<= the bytes that remain).
  struct ListHeader {
    ThriftType element_type;
    int64_t size;
  };

  CompactReader(const uint8_t* data, size_t size, std::string context)
      : pos_(data), end_(data + size), begin_(data), context_(std::move(context)) {}

  /// Reads the fields of one struct up to its stop byte, calling on_field(id, type) for
  /// each; the callback must consume the value with one of the Read* calls or Skip(type).
  template <typename OnField>
  void ReadStruct(OnField on_field) {
    EnterNested();
    int16_t last_id = 0;
    int16_t id;
    ThriftType type;
    while (NextField(&last_id, &id, &type)) on_field(id, type);
    --depth_;
  }

  /// Values of a field (or list element) of type `type`; a value of another type is an error.
  /// Integers accept any narrower integer type; ReadI32 checks the range.
  int32_t ReadI32(ThriftType type);
  int64_t ReadI64(ThriftType type);
  bool ReadBool(ThriftType type);  // field: the value is in the type; list element: one byte
  std::string_view ReadBinary(ThriftType type);
  ListHeader ReadList(ThriftType type);
  /// Skips a value of any type (nested values included, within the depth cap).
  void Skip(ThriftType type);

  /// Bytes consumed so far.
  size_t position() const { return static_cast<size_t>(pos_ - begin_); }
  [[noreturn]] void Invalid(const std::string& what) const;

 private:
  static constexpr int kMaxDepth = 32;

  bool NextField(int16_t* last_id, int16_t* id, ThriftType* type);
  void EnterNested() {
    if (++depth_ > kMaxDepth) Invalid("structures nested deeper than " + std::to_string(kMaxDepth));
  }
  uint8_t Byte();
  uint64_t Varint();
  int64_t ZigZag() {
    const uint64_t v = Varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  void Expect(ThriftType actual, ThriftType wanted, const char* what);

  const uint8_t* pos_;
  const uint8_t* end_;
  const uint8_t* begin_;
  std::string context_;
  int depth_ = 0;
};

}  // namespace outcore::parquet
