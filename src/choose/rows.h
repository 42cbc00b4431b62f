#pragma once
// Row-level helpers for model selection and sampling (internal): gathering rows of batches,
// concatenating batches, and the random streams of a seed.
#include <cstdint>
#include <vector>

#include "core/batch_ops.h"
#include "core/random.h"
#include "outcore/column.h"

namespace outcore::choose {

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
