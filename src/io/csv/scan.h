#pragma once
// The structural scan: classifies 64 bytes at a time into bitmasks (bit i = byte i) of
// delimiters, newlines, quotes and escape characters, so the tokenizer visits only the
// interesting bytes.
// SSE2 is part of baseline x86-64, so no runtime dispatch is needed; other targets use a
// plain loop.
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace outcore::csv {

struct ByteMasks {
  uint64_t delimiter;
  uint64_t newline;
  uint64_t quote;
  uint64_t escape;
};

/// Classifies the 64 bytes at p (all must be readable).
class ByteClassifier {
 public:
  ByteClassifier(char delimiter, char quote, char escape) {
#if defined(__SSE2__)
    delimiter_v_ = _mm_set1_epi8(delimiter);
    newline_v_ = _mm_set1_epi8('\n');
    quote_v_ = _mm_set1_epi8(quote);
    escape_v_ = _mm_set1_epi8(escape);
#else
    delimiter_ = delimiter;
    quote_ = quote;
    escape_ = escape;
#endif
  }

  ByteMasks Classify(const char* p) const {
#if defined(__SSE2__)
    ByteMasks m = {0, 0, 0, 0};
    for (int i = 0; i < 4; ++i) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const int shift = 16 * i;
      m.delimiter |= Bits(_mm_cmpeq_epi8(v, delimiter_v_)) << shift;
      m.newline |= Bits(_mm_cmpeq_epi8(v, newline_v_)) << shift;
      m.quote |= Bits(_mm_cmpeq_epi8(v, quote_v_)) << shift;
      m.escape |= Bits(_mm_cmpeq_epi8(v, escape_v_)) << shift;
    }
    return m;
#else
    ByteMasks m = {0, 0, 0, 0};
    for (int i = 0; i < 64; ++i) {
      m.delimiter |= static_cast<uint64_t>(p[i] == delimiter_) << i;
      m.newline |= static_cast<uint64_t>(p[i] == '\n') << i;
      m.quote |= static_cast<uint64_t>(p[i] == quote_) << i;
      m.escape |= static_cast<uint64_t>(p[i] == escape_) << i;
    }
    return m;
#endif
  }

 private:
#if defined(__SSE2__)
  static uint64_t Bits(__m128i v) { return static_cast<uint32_t>(_mm_movemask_epi8(v)); }
  __m128i delimiter_v_, newline_v_, quote_v_, escape_v_;
#else
  char delimiter_, quote_, escape_;
#endif
};

/// Bit i of the result = XOR of bits 0..i: with quote bits as input, marks the bytes from
/// an opening quote up to (not including) its closing quote.
inline uint64_t PrefixXor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

}  // namespace outcore::csv
