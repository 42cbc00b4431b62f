#pragma once
/// Parquet value encodings: the RLE/bit-packed hybrid (definition levels, dictionary indices),
/// bit-packed booleans, and a string dictionary for dictionary encoding.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace outcore::parquet {

/// Bits needed to store every value in [0, max_value]; 0 for max_value == 0.
inline int BitWidth(uint32_t max_value) { return std::bit_width(max_value); }

/// Appends the RLE/bit-packed hybrid encoding of `n` values, each < 2^bit_width (1..32),
/// without the length prefix that data page v1 levels carry.
void AppendRleHybrid(const uint8_t* values, int64_t n, int bit_width, std::string* out);
void AppendRleHybrid(const uint32_t* values, int64_t n, int bit_width, std::string* out);

/// Appends `n` booleans (bytes 0/1) as PLAIN BOOLEAN: one bit each, least significant first.
void AppendPackedBools(const uint8_t* values, int64_t n, std::string* out);

/// Distinct byte strings in order of first appearance, found by hash. Stores indices, not
/// pointers, so growth never invalidates the table.
class StringDictionary {
 public:
  StringDictionary();
  /// Index of `value`, adding it if new.
  int32_t Insert(std::string_view value);
  int32_t size() const { return static_cast<int32_t>(offsets_.size() - 1); }
  std::string_view at(int32_t i) const {
    return std::string_view(chars_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  /// Bytes of the PLAIN encoding of all entries (4-byte length + bytes each).
  int64_t plain_size() const { return static_cast<int64_t>(chars_.size()) + 4 * size(); }
  /// Appends the PLAIN encoding of all entries.
  void AppendPlain(std::string* out) const;
  void Clear();

 private:
  void Grow();

  std::string chars_;
  std::vector<int64_t> offsets_;  // size() + 1 entries
  std::vector<uint64_t> hashes_;  // per entry, to compare and rehash cheaply
  std::vector<int32_t> slots_;    // open addressing; -1 = empty; size is a power of two
};

}  // namespace outcore::parquet
