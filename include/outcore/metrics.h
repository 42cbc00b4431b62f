#pragma once
/// Scores of predictions against labels (scikit-learn's definitions).
#include <cstdint>
#include <nlohmann/json.hpp>

namespace outcore {

/// Streaming accumulator: Add rows in any number of calls, then read the metrics.
class Metrics {
 public:
  explicit Metrics(bool classifier) : classifier_(classifier) {}
  /// y: 0/1 labels (classifier) or values; p: P(y=1) or predicted values. Rows where either is
  /// NaN are skipped and counted as `missing`.
  void Add(const double* y, const double* p, int64_t n);
  void Merge(const Metrics& other);
  int64_t rows() const { return n_; }
  /// Classifier: rows, accuracy, log_loss, positive_rate; regressor: rows, rmse, mae, r2.
  nlohmann::json ToJson() const;

 private:
  bool classifier_;
  int64_t n_ = 0, missing_ = 0, correct_ = 0, positives_ = 0;
  double log_loss_sum_ = 0;
  double sq_err_ = 0, abs_err_ = 0, sum_y_ = 0, sum_y2_ = 0;
};

}  // namespace outcore
