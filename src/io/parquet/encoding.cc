#include "io/parquet/encoding.h"

// Inlined: dictionary keys are short, where a call costs as much as the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace outcore::parquet {
namespace {

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Dictionary keys are mostly short, where a memcmp call costs more than the comparison.
bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Length of the run of equal values starting at i, counting at most `limit`.
template <typename T>
int64_t RunLength(const T* v, int64_t i, int64_t n, int64_t limit) {
  int64_t end = std::min(n, i + limit);
  int64_t j = i + 1;
  while (j < end && v[j] == v[i]) ++j;
  return j - i;
}

// Packs values [begin, end) least significant bit first, padding the last group of 8 with 0s.
template <typename T>
void AppendBitPacked(const T* v, int64_t begin, int64_t end, int bit_width, std::string* out) {
  const int64_t groups = (end - begin + 7) / 8;
  const size_t base = out->size();
  out->resize(base + groups * bit_width);  // 8 values of bit_width bits = bit_width bytes
  char* dst = out->data() + base;
  uint64_t acc = 0;
  int bits = 0;
  for (int64_t i = begin; i < begin + groups * 8; ++i) {
    const uint64_t value = i < end ? static_cast<uint64_t>(v[i]) : 0;
    acc |= value << bits;
    bits += bit_width;
    while (bits >= 8) {
      *dst++ = static_cast<char>(acc & 0xff);
      acc >>= 8;
      bits -= 8;
    }
  }
}

// A run of 8 or more equal values becomes an RLE run; everything else goes into bit-packed
// runs of whole groups of 8 values. Padding is only possible in the final group, because a
// literal run ends early only where a long repeat starts on a group boundary.
template <typename T>
void AppendRle(const T* v, int64_t n, int bit_width, std::string* out) {
  const int value_bytes = (bit_width + 7) / 8;
  int64_t i = 0;
  while (i < n) {
    int64_t run = RunLength(v, i, n, n);
    if (run >= 8) {
      AppendVarint(static_cast<uint64_t>(run) << 1, out);
      uint64_t value = static_cast<uint64_t>(v[i]);
      for (int b = 0; b < value_bytes; ++b) out->push_back(static_cast<char>(value >> (8 * b)));
      i += run;
      continue;
    }
    int64_t start = i;
    do {
      i += 8;
    } while (i < n && RunLength(v, i, n, 8) < 8);
    int64_t end = std::min(i, n);
    AppendVarint(static_cast<uint64_t>((end - start + 7) / 8) << 1 | 1, out);
    AppendBitPacked(v, start, end, bit_width, out);
  }
}

}  // namespace

void AppendRleHybrid(const uint8_t* values, int64_t n, int bit_width, std::string* out) {
  AppendRle(values, n, bit_width, out);
}

void AppendRleHybrid(const uint32_t* values, int64_t n, int bit_width, std::string* out) {
  AppendRle(values, n, bit_width, out);
}

void AppendPackedBools(const uint8_t* values, int64_t n, std::string* out) {
  size_t base = out->size();
  out->resize(base + (n + 7) / 8, 0);
  char* bytes = out->data() + base;
  for (int64_t i = 0; i < n; ++i) {
    if (values[i]) bytes[i >> 3] = static_cast<char>(bytes[i >> 3] | (1 << (i & 7)));
  }
}

StringDictionary::StringDictionary() { Clear(); }

void StringDictionary::Clear() {
  chars_.clear();
  offsets_.assign(1, 0);
  hashes_.clear();
  slots_.assign(1024, -1);
}

void StringDictionary::Grow() {
  slots_.assign(slots_.size() * 2, -1);
  const size_t mask = slots_.size() - 1;
  for (int32_t entry = 0; entry < size(); ++entry) {
    size_t slot = hashes_[entry] & mask;
    while (slots_[slot] >= 0) slot = (slot + 1) & mask;
    slots_[slot] = entry;
  }
}

int32_t StringDictionary::Insert(std::string_view value) {
  const uint64_t hash = XXH3_64bits(value.data(), value.size());
  const size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  while (slots_[slot] >= 0) {
    int32_t entry = slots_[slot];
    if (hashes_[entry] == hash && SameBytes(at(entry), value)) return entry;
    slot = (slot + 1) & mask;
  }
  const int32_t entry = size();
  slots_[slot] = entry;
  chars_.append(value);
  offsets_.push_back(static_cast<int64_t>(chars_.size()));
  hashes_.push_back(hash);
  if (static_cast<size_t>(size()) * 2 > slots_.size()) Grow();
  return entry;
}

void StringDictionary::AppendPlain(std::string* out) const {
  out->reserve(out->size() + plain_size());
  for (int32_t i = 0; i < size(); ++i) {
    std::string_view s = at(i);
    uint32_t length = static_cast<uint32_t>(s.size());
    char prefix[4];
    std::memcpy(prefix, &length, 4);  // little-endian hosts only, like the rest of the writer
    out->append(prefix, 4);
    out->append(s);
  }
}

}  // namespace outcore::parquet
