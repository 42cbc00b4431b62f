#pragma once
// Row-level helpers for model selection and sampling (internal): gathering rows of batches,
// concatenating batches, and the seeded random numbers every choice is made with.
#include <cstdint>
#include <vector>

#include "core/batch_ops.h"
#include "outcore/column.h"

namespace outcore::choose {

/// SplitMix64: advances `state` and returns the next 64 random bits. Tiny, fast and easy to
/// reproduce in any language (the docs give it in Python), which is why folds use it.
inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// A uniform double in [0, 1) from 64 random bits.
inline double UnitInterval(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

/// Initial state of the random stream `stream` (e.g. a split's ordinal) of a seed.
inline uint64_t StreamState(uint64_t seed, uint64_t stream) {
  uint64_t s = seed ^ 0x6A09E667F3BCC909ULL;
  uint64_t a = SplitMix64(&s);
  uint64_t t = stream ^ a;
  return SplitMix64(&t);
}

// Gathering rows: TakeRows in core/batch_ops.h.

/// The rows of `batches` (same schema) one after another, as one batch; category columns are
/// re-coded into one dictionary.
Batch ConcatBatches(const std::vector<Batch>& batches);

}  // namespace outcore::choose
