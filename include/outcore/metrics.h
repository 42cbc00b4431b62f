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
  /// `classes`: of a classifier; more than 2 makes it multiclass.
  explicit Metrics(bool classifier, int64_t classes = 2)
      : classifier_(classifier), classes_(classifier ? classes : 0) {
    if (classes_ > 2) confusion_.assign(classes_ * classes_, 0);
  }
  /// y: 0/1 labels (binary), class indices (multiclass) or values; p: P(y=1), the k class
  /// probabilities of each row (multiclass: n * k values, row after row) or predicted
  /// values. Rows where y or a p is NaN are skipped and counted as `missing`.
  void Add(const double* y, const double* p, int64_t n);
  void Merge(const Metrics& other);
  int64_t rows() const { return n_; }
  /// Binary: rows, accuracy, log_loss, positive_rate; multiclass: rows, accuracy, log_loss,
  /// f1_macro, f1_weighted; regressor: rows, rmse, mae, r2.
  nlohmann::json ToJson() const;
  /// Multiclass: the confusion matrix, [actual][predicted] (as scikit-learn's), k * k counts.
  const std::vector<int64_t>& confusion() const { return confusion_; }

 private:
  bool classifier_;
  int64_t classes_;
  std::vector<int64_t> confusion_;  // multiclass only
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

/// Macro and support-weighted F1 of a k x k confusion matrix ([actual][predicted]), as
/// scikit-learn's f1_score(average="macro" / "weighted"); a class's F1 is 0 where undefined.
void MulticlassF1(const std::vector<int64_t>& confusion, int64_t classes, double* macro,
                  double* weighted);

/// The most probable class of a row of k probabilities (the first on ties, as numpy's argmax).
int64_t MostProbable(const double* p, int64_t k);

/// Multiclass ROC AUC one-vs-rest, macro-averaged (scikit-learn's roc_auc_score with
/// multi_class="ovr"), exactly, in memory: y class indices, p n * k probabilities. NaN when a
/// class is absent.
double RocAucOvr(const double* y, const double* p, int64_t n, int64_t k);

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
  /// Multiclass (classes > 2): a binned ROC AUC per class of max(1024, auc_bins / classes)
  /// bins, averaged (one-vs-rest, macro).
  explicit DetailedMetrics(bool classifier, int auc_bins = BinnedRocAuc::kDefaultBins,
                           int64_t classes = 2);
  void Add(const double* y, const double* p, int64_t n);
  void Merge(const DetailedMetrics& other);
  int64_t rows() const { return basic_.rows(); }
  /// Metrics::ToJson plus, for a binary classifier: precision, recall, f1, roc_auc,
  /// roc_auc_error_bound, auc_bins, confusion_matrix ([[tn, fp], [fn, tp]], as scikit-learn's);
  /// multiclass: roc_auc (one-vs-rest, macro), roc_auc_error_bound (the mean of the classes'),
  /// auc_bins (per class), confusion_matrix (k x k, [actual][predicted]).
  nlohmann::json ToJson() const;

 private:
  bool classifier_;
  int64_t classes_;
  Metrics basic_;
  ConfusionMatrix confusion_;
  std::vector<BinnedRocAuc> auc_;  // one (binary), or one per class
};

}  // namespace outcore
