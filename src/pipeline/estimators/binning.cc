#include "pipeline/estimators/binning.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/random.h"

namespace outcore {

namespace {

// scikit-learn's fixed settings: the rows the bin edges are computed from, and the largest
// finite edge.
constexpr int64_t kBinSubsample = 200000;
constexpr double kAlmostInf = 1e300;

// scikit-learn's _find_binning_thresholds: midpoints between distinct values when there are at
// most max_bins of them, else max_bins - 1 quantiles (numpy's "midpoint" percentiles).
std::vector<double> BinEdges(std::vector<double> values, int max_bins) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double x) { return std::isnan(x); }), values.end());
  std::sort(values.begin(), values.end());
  std::vector<double> distinct = values;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<double> edges;
  if (static_cast<int>(distinct.size()) <= max_bins) {
    for (size_t i = 0; i + 1 < distinct.size(); ++i) edges.push_back((distinct[i] + distinct[i + 1]) * 0.5);
  } else {
    const double last = static_cast<double>(values.size() - 1);
    for (int q = 1; q < max_bins; ++q) {
      const double at = static_cast<double>(q) / max_bins * last;
      const size_t lo = static_cast<size_t>(std::floor(at)), hi = static_cast<size_t>(std::ceil(at));
      edges.push_back((values[lo] + values[hi]) * 0.5);
    }
  }
  for (double& e : edges) e = std::isnan(e) ? 0.0 : std::clamp(e, -kAlmostInf, kAlmostInf);
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

// The positions (in `rows`) the edges are learned from: all, or kBinSubsample of them drawn
// without replacement.
std::vector<int64_t> BinningRows(int64_t rows, uint64_t seed) {
  std::vector<int64_t> all(rows);
  std::iota(all.begin(), all.end(), 0);
  if (rows <= kBinSubsample) return all;
  uint64_t state = seed ^ 0xB1A5ULL;
  for (int64_t i = 0; i < kBinSubsample; ++i) {  // a partial Fisher-Yates shuffle
    const int64_t j = i + static_cast<int64_t>(SplitMix64(&state) % static_cast<uint64_t>(rows - i));
    std::swap(all[i], all[j]);
  }
  all.resize(kBinSubsample);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

uint8_t Binner::Bin(size_t f, double x) const {
  if (std::isnan(x)) return kMissingBin;
  const auto& e = edges[f];
  return static_cast<uint8_t>(std::lower_bound(e.begin(), e.end(), x) - e.begin());
}

double Binner::Threshold(size_t f, int bin) const {
  return bin == bins(f) - 1 ? std::numeric_limits<double>::max() : edges[f][bin];
}

Binner BinFeatures(const Features& X, const std::vector<int64_t>& rows, int max_bins, uint64_t seed,
                   std::vector<uint8_t>* bins) {
  const size_t p = X.names.size();
  const int64_t n = static_cast<int64_t>(rows.size());
  Binner binner;
  binner.edges.resize(p);
  binner.has_missing.resize(p);
  bins->assign(static_cast<size_t>(n) * p, 0);
  const std::vector<int64_t> binning = BinningRows(n, seed);
  using Range = tbb::blocked_range<size_t>;
  tbb::parallel_for(Range(0, p, 1), [&](const Range& r) {
    for (size_t f = r.begin(); f < r.end(); ++f) {
      const double* x = X.col(f);
      std::vector<double> sample(binning.size());
      for (size_t k = 0; k < binning.size(); ++k) sample[k] = x[rows[binning[k]]];
      binner.edges[f] = BinEdges(std::move(sample), max_bins);
      uint8_t* col = bins->data() + f * n;
      bool missing = false;
      for (int64_t k = 0; k < n; ++k) missing |= (col[k] = binner.Bin(f, x[rows[k]])) == kMissingBin;
      binner.has_missing[f] = missing;
    }
  });
  return binner;
}

}  // namespace outcore
