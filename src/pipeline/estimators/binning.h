#pragma once
// Quantile binning of features for the histogram tree growers (gradient boosting, random
// forests): scikit-learn's HistGradientBoosting rule. Each feature's values fall in up to 255
// bins by learned edges; a missing value falls in a bin of its own.
#include <cstdint>
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

/// The bin of missing values; value bins are 0..bins(f) - 1 <= 254.
inline constexpr uint8_t kMissingBin = 255;
/// Bins per feature in a histogram: up to 255 for values and the last for missing values.
inline constexpr int kHistBins = 256;

/// The bin edges of each feature, learned at fit: a value x falls in bin b = the number of
/// edges below x (so x <= edges[b] for bins <= b); a missing value in kMissingBin.
struct Binner {
  std::vector<std::vector<double>> edges;
  std::vector<char> has_missing;  // the feature had missing values at fit

  int bins(size_t f) const { return static_cast<int>(edges[f].size()) + 1; }  // not counting missing
  uint8_t Bin(size_t f, double x) const;
  /// The threshold of a split sending bins <= bin left: the bin's upper edge, or the largest
  /// double for the last bin (every value left, only missing values right).
  double Threshold(size_t f, int bin) const;
};

/// Learns each feature's edges from the rows `rows` of X (at most 200,000 of them, drawn with
/// `seed`, as scikit-learn does; max_bins <= 255) and bins those rows: `bins` receives
/// rows.size() values per feature, column-major. Features are binned in parallel.
Binner BinFeatures(const Features& X, const std::vector<int64_t>& rows, int max_bins, uint64_t seed,
                   std::vector<uint8_t>* bins);

}  // namespace outcore
