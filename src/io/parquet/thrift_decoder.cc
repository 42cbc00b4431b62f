#include "io/parquet/thrift_decoder.h"

#include <cstring>

#include "outcore/error.h"

namespace outcore::parquet {
namespace {

const char* TypeName(ThriftType type) {
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return "bool";
    case ThriftType::kByte:
      return "byte";
    case ThriftType::kI16:
      return "i16";
    case ThriftType::kI32:
      return "i32";
    case ThriftType::kI64:
      return "i64";
    case ThriftType::kDouble:
      return "double";
    case ThriftType::kBinary:
      return "binary";
    case ThriftType::kList:
      return "list";
    case ThriftType::kSet:
      return "set";
    case ThriftType::kMap:
      return "map";
    case ThriftType::kStruct:
      return "struct";
  }
  return "unknown";
}

bool IsInteger(ThriftType type) {
  return type == ThriftType::kByte || type == ThriftType::kI16 || type == ThriftType::kI32 ||
         type == ThriftType::kI64;
}

}  // namespace

void CompactReader::Invalid(const std::string& what) const {
  Fail(ErrorCode::kInvalidInput,
       context_ + " is invalid at byte " + std::to_string(position()) + ": " + what);
}

uint8_t CompactReader::Byte() {
  if (pos_ == end_) Invalid("it ends in the middle of a value");
  return *pos_++;
}

uint64_t CompactReader::Varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t b = Byte();
    if (shift == 63 && b > 1) Invalid("a variable-length integer overflows 64 bits");
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return value;
  }
  Invalid("a variable-length integer is longer than 10 bytes");
}

void CompactReader::Expect(ThriftType actual, ThriftType wanted, const char* what) {
  if (actual != wanted)
    Invalid(std::string("expected a ") + what + ", found a " + TypeName(actual));
}

bool CompactReader::NextField(int16_t* last_id, int16_t* id, ThriftType* type) {
  const uint8_t header = Byte();
  if (header == 0) return false;  // stop
  const int code = header & 0x0f;
  if (code < 1 || code > 12) Invalid("unknown field type " + std::to_string(code));
  *type = static_cast<ThriftType>(code);
  const int delta = header >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(*last_id + delta);
  } else {
    const int64_t explicit_id = ZigZag();
    if (explicit_id < INT16_MIN || explicit_id > INT16_MAX) Invalid("field id out of range");
    *id = static_cast<int16_t>(explicit_id);
  }
  *last_id = *id;
  return true;
}

int64_t CompactReader::ReadI64(ThriftType type) {
  if (!IsInteger(type)) Invalid(std::string("expected an integer, found a ") + TypeName(type));
  if (type == ThriftType::kByte) return static_cast<int8_t>(Byte());
  return ZigZag();
}

int32_t CompactReader::ReadI32(ThriftType type) {
  const int64_t value = ReadI64(type);
  if (value < INT32_MIN || value > INT32_MAX)
    Invalid("the 32-bit value " + std::to_string(value) + " is out of range");
  return static_cast<int32_t>(value);
}

bool CompactReader::ReadBool(ThriftType type) {
  if (type == ThriftType::kBoolTrue) return true;
  if (type == ThriftType::kBoolFalse) return false;
  Invalid(std::string("expected a bool, found a ") + TypeName(type));
}

std::string_view CompactReader::ReadBinary(ThriftType type) {
  Expect(type, ThriftType::kBinary, "binary");
  const uint64_t length = Varint();
  if (length > static_cast<uint64_t>(end_ - pos_))
    Invalid("a string of " + std::to_string(length) + " bytes runs past the end (" +
            std::to_string(end_ - pos_) + " bytes left)");
  std::string_view value(reinterpret_cast<const char*>(pos_), length);
  pos_ += length;
  return value;
}

CompactReader::ListHeader CompactReader::ReadList(ThriftType type) {
  if (type != ThriftType::kList && type != ThriftType::kSet)
    Invalid(std::string("expected a list, found a ") + TypeName(type));
  const uint8_t header = Byte();
  const int code = header & 0x0f;
  if (code < 1 || code > 12) Invalid("unknown list element type " + std::to_string(code));
  uint64_t size = header >> 4;
  if (size == 15) size = Varint();
  // Every element takes at least one byte.
  if (size > static_cast<uint64_t>(end_ - pos_))
    Invalid("a list of " + std::to_string(size) + " elements cannot fit in the " +
            std::to_string(end_ - pos_) + " bytes left");
  // In lists, bool elements have type 1 (some writers use 2).
  ThriftType element = static_cast<ThriftType>(code);
  if (element == ThriftType::kBoolFalse) element = ThriftType::kBoolTrue;
  return ListHeader{element, static_cast<int64_t>(size)};
}

void CompactReader::Skip(ThriftType type) {
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return;  // a field's value is in its type
    case ThriftType::kByte:
      Byte();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      Varint();
      return;
    case ThriftType::kDouble:
      if (end_ - pos_ < 8) Invalid("it ends in the middle of a double");
      pos_ += 8;
      return;
    case ThriftType::kBinary:
      ReadBinary(type);
      return;
    case ThriftType::kList:
    case ThriftType::kSet: {
      const ListHeader list = ReadList(type);
      EnterNested();
      for (int64_t i = 0; i < list.size; ++i) {
        if (list.element_type == ThriftType::kBoolTrue) {
          Byte();  // bool elements take one byte each
        } else {
          Skip(list.element_type);
        }
      }
      --depth_;
      return;
    }
    case ThriftType::kMap: {
      const uint64_t size = Varint();
      if (size == 0) return;
      if (size > static_cast<uint64_t>(end_ - pos_)) Invalid("a map is larger than the bytes left");
      const uint8_t types = Byte();
      const int key = types >> 4, value = types & 0x0f;
      if (key < 1 || key > 12 || value < 1 || value > 12) Invalid("unknown map element type");
      EnterNested();
      for (uint64_t i = 0; i < size; ++i) {
        for (int code : {key, value}) {
          const ThriftType t = static_cast<ThriftType>(code);
          if (t == ThriftType::kBoolTrue || t == ThriftType::kBoolFalse) {
            Byte();
          } else {
            Skip(t);
          }
        }
      }
      --depth_;
      return;
    }
    case ThriftType::kStruct:
      ReadStruct([this](int16_t, ThriftType t) { Skip(t); });
      return;
  }
  Invalid("unknown type");
}

}  // namespace outcore::parquet
