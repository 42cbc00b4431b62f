// The separator index for CPUs with AVX2, BMI and POPCNT (x86-64 since 2013): 32 bytes per
// compare, and one instruction each for popcount and lowest-bit. Chosen at run time by
// tokenizer.cc, so the library still runs on baseline x86-64.
#include "io/csv/tokenizer.h"

#if defined(OUTCORE_CSV_AVX2_INDEX)

#include <immintrin.h>

// Everything after this line is compiled for the newer instruction set; it must not define
// anything shared with other files (the headers above are compiled for the baseline).
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,popcnt")

#include "io/csv/index_impl.h"

namespace outcore::csv {

namespace {

class Avx2Ops {
 public:
  explicit Avx2Ops(const Dialect& dialect)
      : delimiter_(_mm256_set1_epi8(dialect.delimiter)),
        newline_(_mm256_set1_epi8('\n')),
        quote_(_mm256_set1_epi8(dialect.quote)),
        escape_(_mm256_set1_epi8(dialect.escape)) {}

  ByteMasks Classify(const char* p) const {
    const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    return ByteMasks{Bits(low, high, delimiter_), Bits(low, high, newline_),
                     Bits(low, high, quote_), Bits(low, high, escape_)};
  }
  static int Popcount(uint64_t x) { return __builtin_popcountll(x); }
  static int LowestBit(uint64_t x) { return __builtin_ctzll(x | (uint64_t{1} << 63)); }

 private:
  static uint64_t Bits(__m256i low, __m256i high, __m256i c) {
    const uint32_t lo = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, c)));
    const uint32_t hi = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, c)));
    return lo | (static_cast<uint64_t>(hi) << 32);
  }

  __m256i delimiter_, newline_, quote_, escape_;
};

}  // namespace

bool IndexSeparatorsAvx2(const Dialect& dialect, const char* buf, uint32_t begin,
                         uint32_t length, size_t max_lines, SeparatorIndex* index) {
  const Avx2Ops ops(dialect);
  return IndexSeparatorsWith(ops, dialect, buf, begin, length, max_lines, index);
}

}  // namespace outcore::csv

#pragma GCC pop_options

#endif
