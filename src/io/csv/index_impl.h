#pragma once
// The separator index (first pass of the Tokenizer) as a template over the instruction set:
// tokenizer.cc instantiates it for baseline x86-64 (SSE2), tokenizer_avx2.cc for CPUs with
// AVX2, BMI and POPCNT, compiled under `#pragma GCC target` and chosen at run time.
//
// Ops provides: ByteMasks Classify(const char* p) const (64 bytes), static int
// Popcount(uint64_t), static int LowestBit(uint64_t) (defined for 0).
#include <cstdint>
#include <vector>

#include "io/csv/dialect.h"
#include "io/csv/scan.h"

namespace outcore::csv {

/// Masks of the 64 bytes at `block` (bits past `length` cleared), with delimiters and
/// newlines inside quoted fields removed. `state` carries the quoting rule (dialect.h) from
/// one block to the next.
///
/// Most blocks are decided by quote parity: every quote toggles "inside quotes" (a prefix
/// XOR). That is the rule's answer exactly when every quote parity takes for an opening one
/// is at a field start (after a separator outside quotes, a closing quote, or a field start
/// carried in), and no escape character is inside quotes. A block where that fails (a stray
/// quote in an unquoted field, an escape) is walked byte by byte with the rule itself.
template <typename Ops>
inline ByteMasks ClassifyOutsideQuotes(const Ops& ops, const Dialect& dialect, const char* buf,
                                       uint32_t block, uint32_t length, QuoteState* state) {
  ByteMasks m = ops.Classify(buf + block);
  const uint32_t n = length - block < 64 ? length - block : 64;
  const uint64_t valid = n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  m.delimiter &= valid;
  m.newline &= valid;
  m.quote &= dialect.quoting ? valid : 0;
  m.escape &= dialect.escaping ? valid : 0;
  const uint64_t separators = m.delimiter | m.newline;
  const uint64_t last = uint64_t{1} << (n - 1);
  if (*state != QuoteState::kEscaped) {
    const uint64_t carried = *state == QuoteState::kQuoted ? ~uint64_t{0} : 0;
    if ((m.quote | carried) == 0) {  // the usual block: no quotes at all
      *state = (separators & last) ? QuoteState::kFieldStart : QuoteState::kUnquoted;
      return m;
    }
    const uint64_t inside = PrefixXor(m.quote) ^ carried;  // opening quote .. closing quote
    const uint64_t opening = m.quote & inside;
    const uint64_t closing = m.quote & ~inside;
    const uint64_t starts_next = (separators & ~inside) | closing;  // a quote after opens
    const uint64_t may_open =
        (starts_next << 1) | (*state == QuoteState::kFieldStart ? uint64_t{1} : 0);
    if ((opening & ~may_open) == 0 && (m.escape & inside) == 0) {
      m.delimiter &= ~inside;
      m.newline &= ~inside;
      *state = (inside & last)        ? QuoteState::kQuoted
               : (starts_next & last) ? QuoteState::kFieldStart
                                      : QuoteState::kUnquoted;
      return m;
    }
  }
  uint64_t outside = 0;  // separators outside quotes
  for (uint32_t i = 0; i < n; ++i)
    if (dialect.Step(state, buf[block + i])) outside |= uint64_t{1} << i;
  m.delimiter &= outside;
  m.newline &= outside;
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
bool IndexSeparatorsWith(const Ops& ops, const Dialect& dialect, const char* buf, uint32_t begin,
                         uint32_t length, size_t max_lines, SeparatorIndex* index) {
  uint32_t* const separators = index->separators;
  uint32_t count = 1;
  index->lines->clear();
  QuoteState state = QuoteState::kFieldStart;  // `begin` is a row start
  bool indexed_all = false;
  for (uint32_t block = begin;; block += 64) {
    if (block >= length) {
      indexed_all = true;
      break;
    }
    if (count + 64 + 8 > index->capacity) break;
    const ByteMasks m = ClassifyOutsideQuotes(ops, dialect, buf, block, length, &state);
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
