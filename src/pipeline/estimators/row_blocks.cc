#include "pipeline/estimators/row_blocks.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>

#include <algorithm>

namespace outcore {

namespace {

int64_t NumBlocks(int64_t rows) { return (rows + kRowBlock - 1) / kRowBlock; }

}  // namespace

std::vector<double> SumRowBlocks(
    int64_t rows, size_t size,
    const std::function<void(int64_t begin, int64_t end, double* acc)>& add_block) {
  // parallel_deterministic_reduce splits the block range the same way on any number of threads
  // (down to one block per leaf) and joins the leaves in a fixed order.
  using Range = tbb::blocked_range<int64_t>;
  return tbb::parallel_deterministic_reduce(
      Range(0, NumBlocks(rows), 1), std::vector<double>(size, 0.0),
      [&](const Range& range, std::vector<double> acc) {
        for (int64_t b = range.begin(); b < range.end(); ++b) {
          add_block(b * kRowBlock, std::min(rows, (b + 1) * kRowBlock), acc.data());
        }
        return acc;
      },
      [](std::vector<double> left, const std::vector<double>& right) {
        for (size_t i = 0; i < left.size(); ++i) left[i] += right[i];
        return left;
      });
}

void ForEachRowBlock(int64_t rows, const std::function<void(int64_t begin, int64_t end)>& fn) {
  using Range = tbb::blocked_range<int64_t>;
  tbb::parallel_for(Range(0, NumBlocks(rows), 1), [&](const Range& range) {
    for (int64_t b = range.begin(); b < range.end(); ++b) {
      fn(b * kRowBlock, std::min(rows, (b + 1) * kRowBlock));
    }
  });
}

double Dot(const double* a, const double* b, int64_t n) {
  // Four running sums: lets the compiler vectorise and shortens the rounding chain.
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace outcore
