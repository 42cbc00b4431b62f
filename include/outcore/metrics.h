#pragma once
/// Scores of predictions against labels (scikit-learn's definitions).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

/// Exact ROC AUC of scores `p` for 0/1 labels `y` (the Mann-Whitney statistic; tied scores
/// count half, as scikit-learn's roc_auc_score). Sorts a copy: for data in memory. NaN when
/// either class is absent. Rows where y or p is NaN are skipped.
double RocAuc(const double* y, const double* p, int64_t n);

/// ROC AUC out of core: per-class histograms of scores over [0, 1] in `bins` equal-width bins
/// (a score outside [0, 1] goes to the first or last bin). Mergeable across threads. Pairs of a
/// positive and a negative in different bins are ordered exactly; pairs in the same bin count
/// half, so |Auc() - exact AUC| <= ErrorBound() = (sum over bins of pos_b * neg_b) / (2 P N).
class BinnedRocAuc {
 public:
  static constexpr int kDefaultBins = 1 << 20;
  explicit BinnedRocAuc(int bins = kDefaultBins);
  void Add(const double* y, const double* p, int64_t n);
  void Merge(const BinnedRocAuc& other);
  int bins() const { return static_cast<int>(pos_.size()); }
  int64_t positives() const { return positives_; }
  int64_t negatives() const { return negatives_; }
  /// NaN when either class is absent.
  double Auc() const;
  double ErrorBound() const;

 private:
  std::vector<int64_t> pos_, neg_;
  int64_t positives_ = 0, negatives_ = 0;
};

/// A binary classifier's decisions at P(positive) > 0.5 (the class `predict --label` gives).
struct ConfusionMatrix {
  int64_t tn = 0, fp = 0, fn = 0, tp = 0;
  /// scikit-learn's definitions; 0 where the denominator is 0 (its zero_division default).
  double precision() const;
  double recall() const;
  double f1() const;
};

/// Every metric `outcore evaluate` reports, streaming and mergeable: Metrics, plus for a
/// classifier the confusion matrix, precision, recall, F1 and a binned ROC AUC with its bound.
class DetailedMetrics {
 public:
  explicit DetailedMetrics(bool classifier, int auc_bins = BinnedRocAuc::kDefaultBins);
  void Add(const double* y, const double* p, int64_t n);
  void Merge(const DetailedMetrics& other);
  int64_t rows() const { return basic_.rows(); }
  /// Metrics::ToJson plus, for a classifier: precision, recall, f1, roc_auc,
  /// roc_auc_error_bound, auc_bins, confusion_matrix ([[tn, fp], [fn, tp]], as scikit-learn's).
  nlohmann::json ToJson() const;

 private:
  bool classifier_;
  Metrics basic_;
  ConfusionMatrix confusion_;
  BinnedRocAuc auc_;
};

}  // namespace outcore
