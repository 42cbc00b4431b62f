#pragma once
// The seeded random numbers every choice is made with: held-out rows, folds, samples, searches.
#include <cstdint>

namespace outcore {

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

}  // namespace outcore
