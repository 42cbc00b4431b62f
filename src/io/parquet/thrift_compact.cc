#include "io/parquet/thrift_compact.h"

namespace outcore::parquet {

void CompactWriter::Varint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

void CompactWriter::ZigZag(int64_t value) {
  Varint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
}

void CompactWriter::FieldHeader(int16_t id, ThriftType type) {
  int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    ZigZag(id);
  }
  last_id_ = id;
}

void CompactWriter::I16(int16_t id, int16_t value) {
  FieldHeader(id, ThriftType::kI16);
  ZigZag(value);
}

void CompactWriter::I32(int16_t id, int32_t value) {
  FieldHeader(id, ThriftType::kI32);
  ZigZag(value);
}

void CompactWriter::I64(int16_t id, int64_t value) {
  FieldHeader(id, ThriftType::kI64);
  ZigZag(value);
}

void CompactWriter::Bool(int16_t id, bool value) {
  FieldHeader(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void CompactWriter::Binary(int16_t id, std::string_view value) {
  FieldHeader(id, ThriftType::kBinary);
  Varint(value.size());
  out_->append(value);
}

void CompactWriter::BeginStruct(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginListStruct();
}

void CompactWriter::BeginListStruct() {
  enclosing_ids_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::EndStruct() {
  out_->push_back(0);
  last_id_ = enclosing_ids_.back();
  enclosing_ids_.pop_back();
}

void CompactWriter::BeginList(int16_t id, ThriftType element_type, int64_t size) {
  FieldHeader(id, ThriftType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<int>(element_type)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<int>(element_type)));
    Varint(size);
  }
}

void CompactWriter::ListI32(int32_t value) { ZigZag(value); }

void CompactWriter::ListBinary(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

void CompactWriter::End() { out_->push_back(0); }

}  // namespace outcore::parquet
