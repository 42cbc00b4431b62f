#pragma once
// Parallel loops over the rows of column-major Features, for the estimators' fits. Blocks have
// a fixed size and partial sums are combined in a fixed tree, so a fit gives bitwise the same
// result whatever the number of threads.
#include <cstdint>
#include <functional>
#include <vector>

namespace outcore {

/// Rows per block: a block of a dozen columns stays in the L2 cache.
inline constexpr int64_t kRowBlock = 4096;

/// Sums `size` accumulators over all rows. `add_block(begin, end, acc)` adds the contribution
/// of rows [begin, end) (at most kRowBlock rows) to `acc`.
std::vector<double> SumRowBlocks(
    int64_t rows, size_t size,
    const std::function<void(int64_t begin, int64_t end, double* acc)>& add_block);

/// Calls fn(begin, end) for every row block, in parallel (for loops that sum nothing across rows).
void ForEachRowBlock(int64_t rows, const std::function<void(int64_t begin, int64_t end)>& fn);

/// Sum of a[i] * b[i] for i < n.
double Dot(const double* a, const double* b, int64_t n);

}  // namespace outcore
