#pragma once
// The separator index (first pass of the Tokenizer) as a template over the instruction set:
// tokenizer.cc instantiates it for baseline x86-64 (SSE2), tokenizer_avx2.cc for CPUs with
// AVX2, BMI and POPCNT, compiled under `#pragma GCC target` and chosen at run time.
//
// Ops provides: ByteMasks Classify(const char* p) const (64 bytes), static int
// Popcount(uint64_t), static int LowestBit(uint64_t) (defined for 0).
#include <cstdint>
#include <vector>

#include "io/csv/scan.h"

namespace outcore::csv {

/// Masks of the 64 bytes at `block` (bits past `length` cleared), with delimiters and
/// newlines inside quotes removed. `in_quotes` (all ones inside a quoted field) carries the
/// quote state from one block to the next.
template <typename Ops>
inline ByteMasks ClassifyOutsideQuotes(const Ops& ops, const char* buf, uint32_t block,
                                       uint32_t length, uint64_t* in_quotes) {
  ByteMasks m = ops.Classify(buf + block);
  if (length - block < 64) {
    const uint64_t valid = (uint64_t{1} << (length - block)) - 1;
    m.delimiter &= valid;
    m.newline &= valid;
    m.quote &= valid;
  }
  if ((m.quote | *in_quotes) != 0) {
    // Quote parity: delimiters and newlines between a quote and its partner are content.
    const uint64_t inside = PrefixXor(m.quote) ^ *in_quotes;
    *in_quotes = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
    m.delimiter &= ~inside;
    m.newline &= ~inside;
  }
  return m;
}

/// Where the index goes. separators[0] must be preset (a virtual separator before `begin`).
struct SeparatorIndex {
  uint32_t* separators;
  uint32_t capacity;             // the writer needs 64 + 8 entries of slack per block
  uint32_t count;                // out: entries used, including separators[0]
  std::vector<uint32_t>* lines;  // out: indices into separators of the line ends
};

/// Lists the separators (delimiters and newlines outside quotes) of buf[begin, length) until
/// `max_lines` line ends are found, the list is full, or the text ends. Returns true if all
/// the text was indexed. buf must be readable up to length + 63.
template <typename Ops>
bool IndexSeparatorsWith(const Ops& ops, const char* buf, uint32_t begin, uint32_t length,
                         size_t max_lines, SeparatorIndex* index) {
  uint32_t* const separators = index->separators;
  uint32_t count = 1;
  index->lines->clear();
  uint64_t in_quotes = 0;  // all ones while inside a quoted field
  bool indexed_all = false;
  for (uint32_t block = begin;; block += 64) {
    if (block >= length) {
      indexed_all = true;
      break;
    }
    if (count + 64 + 8 > index->capacity) break;
    const ByteMasks m = ClassifyOutsideQuotes(ops, buf, block, length, &in_quotes);
    uint64_t bits = m.delimiter | m.newline;
    for (uint64_t nl = m.newline; nl != 0; nl &= nl - 1)
      index->lines->push_back(count + Ops::Popcount(bits & ((nl & (0 - nl)) - 1)));
    const int n = Ops::Popcount(bits);
    uint32_t* out = separators + count;
    // Writes in groups of 8, past n (into the slack): no branch per separator.
    for (int i = 0; i < n; i += 8) {
      for (int j = 0; j < 8; ++j) {
        out[i + j] = block + Ops::LowestBit(bits);
        bits &= bits - 1;
      }
    }
    count += n;
    if (index->lines->size() >= max_lines) break;
  }
  index->count = count;
  return indexed_all;
}

}  // namespace outcore::csv
