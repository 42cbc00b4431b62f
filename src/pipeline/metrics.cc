#include "outcore/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace outcore {

int64_t MostProbable(const double* p, int64_t k) {
  int64_t best = 0;
  for (int64_t c = 1; c < k; ++c)
    if (p[c] > p[best]) best = c;
  return best;
}

void Metrics::Add(const double* y, const double* p, int64_t n) {
  // Probabilities are clipped to [eps, 1 - eps] as scikit-learn's log_loss does.
  const double eps = std::numeric_limits<double>::epsilon();
  if (classes_ > 2) {
    const int64_t k = classes_;
    for (int64_t i = 0; i < n; ++i) {
      const double* row = p + i * k;
      bool missing = std::isnan(y[i]);
      for (int64_t c = 0; c < k && !missing; ++c) missing = std::isnan(row[c]);
      if (missing) {
        ++missing_;
        continue;
      }
      ++n_;
      const int64_t actual = static_cast<int64_t>(y[i]), predicted = MostProbable(row, k);
      correct_ += predicted == actual;
      ++confusion_[actual * k + predicted];
      log_loss_sum_ -= std::log(std::clamp(row[actual], eps, 1 - eps));
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (std::isnan(y[i]) || std::isnan(p[i])) {
      ++missing_;
      continue;
    }
    ++n_;
    if (classifier_) {
      bool positive = y[i] > 0.5;
      positives_ += positive;
      correct_ += (p[i] > 0.5) == positive;
      double q = std::clamp(p[i], eps, 1 - eps);
      log_loss_sum_ -= positive ? std::log(q) : std::log1p(-q);
    } else {
      double e = p[i] - y[i];
      sq_err_ += e * e;
      abs_err_ += std::fabs(e);
      sum_y_ += y[i];
      sum_y2_ += y[i] * y[i];
    }
  }
}

void Metrics::Merge(const Metrics& o) {
  for (size_t i = 0; i < confusion_.size() && i < o.confusion_.size(); ++i) confusion_[i] += o.confusion_[i];
  n_ += o.n_;
  missing_ += o.missing_;
  correct_ += o.correct_;
  positives_ += o.positives_;
  log_loss_sum_ += o.log_loss_sum_;
  sq_err_ += o.sq_err_;
  abs_err_ += o.abs_err_;
  sum_y_ += o.sum_y_;
  sum_y2_ += o.sum_y2_;
}

nlohmann::json Metrics::ToJson() const {
  nlohmann::json j = {{"rows", n_}};
  if (missing_) j["rows_missing"] = missing_;
  if (n_ == 0) return j;
  double n = static_cast<double>(n_);
  if (classes_ > 2) {
    double macro = 0, weighted = 0;
    MulticlassF1(confusion_, classes_, &macro, &weighted);
    j["accuracy"] = correct_ / n;
    j["log_loss"] = log_loss_sum_ / n;
    j["f1_macro"] = macro;
    j["f1_weighted"] = weighted;
  } else if (classifier_) {
    j["accuracy"] = correct_ / n;
    j["log_loss"] = log_loss_sum_ / n;
    j["positive_rate"] = positives_ / n;
  } else {
    double ss_tot = sum_y2_ - sum_y_ * sum_y_ / n;
    j["rmse"] = std::sqrt(sq_err_ / n);
    j["mae"] = abs_err_ / n;
    j["r2"] = ss_tot > 0 ? 1 - sq_err_ / ss_tot : 0.0;
  }
  return j;
}

void MulticlassF1(const std::vector<int64_t>& confusion, int64_t classes, double* macro,
                  double* weighted) {
  double sum = 0, weighted_sum = 0;
  int64_t total = 0;
  for (int64_t c = 0; c < classes; ++c) {
    int64_t tp = confusion[c * classes + c], actual = 0, predicted = 0;
    for (int64_t o = 0; o < classes; ++o) {
      actual += confusion[c * classes + o];
      predicted += confusion[o * classes + c];
    }
    const double f1 = actual + predicted > 0 ? 2.0 * tp / (actual + predicted) : 0.0;
    sum += f1;
    weighted_sum += f1 * actual;
    total += actual;
  }
  *macro = sum / classes;
  *weighted = total > 0 ? weighted_sum / total : 0.0;
}

double RocAucOvr(const double* y, const double* p, int64_t n, int64_t k) {
  std::vector<double> is_class(n), score(n);
  double sum = 0;
  for (int64_t c = 0; c < k; ++c) {
    for (int64_t i = 0; i < n; ++i) {
      is_class[i] = std::isnan(y[i]) ? y[i] : (y[i] == c ? 1.0 : 0.0);
      score[i] = p[i * k + c];
    }
    sum += RocAuc(is_class.data(), score.data(), n);
  }
  return sum / k;
}

double RocAuc(const double* y, const double* p, int64_t n) {
  std::vector<std::pair<double, bool>> scored;  // (score, positive)
  scored.reserve(n);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isnan(y[i]) && !std::isnan(p[i])) scored.emplace_back(p[i], y[i] > 0.5);
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  // Over groups of tied scores, ascending: each positive beats every negative below its
  // group and ties half of those in it. Counts are exact in 128 bits (doubled for the halves).
  unsigned __int128 twice_wins = 0;
  int64_t negatives_below = 0, positives = 0;
  for (size_t i = 0; i < scored.size();) {
    size_t j = i;
    int64_t pos = 0, neg = 0;
    for (; j < scored.size() && scored[j].first == scored[i].first; ++j)
      (scored[j].second ? pos : neg) += 1;
    twice_wins += static_cast<unsigned __int128>(pos) * (2 * negatives_below + neg);
    negatives_below += neg;
    positives += pos;
    i = j;
  }
  if (positives == 0 || negatives_below == 0) return std::nan("");
  return static_cast<double>(static_cast<long double>(twice_wins) /
                             (2.0L * positives * negatives_below));
}

BinnedRocAuc::BinnedRocAuc(int bins) : pos_(std::max(bins, 1)), neg_(std::max(bins, 1)) {}

void BinnedRocAuc::Add(const double* y, const double* p, int64_t n) {
  const int last = bins() - 1;
  const double scale = bins();
  for (int64_t i = 0; i < n; ++i) {
    if (std::isnan(y[i]) || std::isnan(p[i])) continue;
    double at = std::floor(p[i] * scale);
    int bin = at <= 0 ? 0 : at >= last ? last : static_cast<int>(at);
    if (y[i] > 0.5) {
      ++pos_[bin];
      ++positives_;
    } else {
      ++neg_[bin];
      ++negatives_;
    }
  }
}

void BinnedRocAuc::Merge(const BinnedRocAuc& o) {
  for (size_t b = 0; b < pos_.size() && b < o.pos_.size(); ++b) {
    pos_[b] += o.pos_[b];
    neg_[b] += o.neg_[b];
  }
  positives_ += o.positives_;
  negatives_ += o.negatives_;
}

double BinnedRocAuc::Auc() const {
  if (positives_ == 0 || negatives_ == 0) return std::nan("");
  unsigned __int128 twice_wins = 0;
  int64_t negatives_below = 0;
  for (size_t b = 0; b < pos_.size(); ++b) {
    twice_wins += static_cast<unsigned __int128>(pos_[b]) * (2 * negatives_below + neg_[b]);
    negatives_below += neg_[b];
  }
  return static_cast<double>(static_cast<long double>(twice_wins) /
                             (2.0L * positives_ * negatives_));
}

double BinnedRocAuc::ErrorBound() const {
  if (positives_ == 0 || negatives_ == 0) return std::nan("");
  unsigned __int128 shared = 0;
  for (size_t b = 0; b < pos_.size(); ++b)
    shared += static_cast<unsigned __int128>(pos_[b]) * neg_[b];
  return static_cast<double>(static_cast<long double>(shared) / (2.0L * positives_ * negatives_));
}

double ConfusionMatrix::precision() const {
  return tp + fp > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
}

double ConfusionMatrix::recall() const {
  return tp + fn > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0;
}

double ConfusionMatrix::f1() const {
  // 2 tp / (2 tp + fp + fn): scikit-learn's f1_score, equal to the harmonic mean.
  int64_t d = 2 * tp + fp + fn;
  return d > 0 ? 2.0 * static_cast<double>(tp) / static_cast<double>(d) : 0.0;
}

DetailedMetrics::DetailedMetrics(bool classifier, int auc_bins, int64_t classes)
    : classifier_(classifier), classes_(classifier ? classes : 0), basic_(classifier, classes) {
  if (classes_ > 2) auc_.assign(classes_, BinnedRocAuc(std::max<int>(1024, auc_bins / classes_)));
  else if (classifier) auc_.emplace_back(auc_bins);
}

void DetailedMetrics::Add(const double* y, const double* p, int64_t n) {
  basic_.Add(y, p, n);
  if (!classifier_) return;
  if (classes_ > 2) {
    std::vector<double> is_class(n), score(n);
    for (int64_t c = 0; c < classes_; ++c) {
      for (int64_t i = 0; i < n; ++i) {
        is_class[i] = std::isnan(y[i]) ? y[i] : (y[i] == c ? 1.0 : 0.0);
        score[i] = p[i * classes_ + c];
      }
      auc_[c].Add(is_class.data(), score.data(), n);
    }
    return;
  }
  auc_[0].Add(y, p, n);
  for (int64_t i = 0; i < n; ++i) {
    if (std::isnan(y[i]) || std::isnan(p[i])) continue;
    bool actual = y[i] > 0.5, predicted = p[i] > 0.5;
    (actual ? (predicted ? confusion_.tp : confusion_.fn)
            : (predicted ? confusion_.fp : confusion_.tn)) += 1;
  }
}

void DetailedMetrics::Merge(const DetailedMetrics& o) {
  basic_.Merge(o.basic_);
  if (!classifier_) return;
  for (size_t c = 0; c < auc_.size(); ++c) auc_[c].Merge(o.auc_[c]);
  confusion_.tn += o.confusion_.tn;
  confusion_.fp += o.confusion_.fp;
  confusion_.fn += o.confusion_.fn;
  confusion_.tp += o.confusion_.tp;
}

nlohmann::json DetailedMetrics::ToJson() const {
  nlohmann::json j = basic_.ToJson();
  if (!classifier_ || basic_.rows() == 0) return j;
  auto number = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  if (classes_ > 2) {
    double auc = 0, bound = 0;
    for (const auto& a : auc_) auc += a.Auc() / classes_, bound += a.ErrorBound() / classes_;
    j["roc_auc"] = number(auc);
    j["roc_auc_error_bound"] = number(bound);
    j["auc_bins"] = auc_[0].bins();
    nlohmann::json matrix = nlohmann::json::array();
    const auto& counts = basic_.confusion();
    for (int64_t a = 0; a < classes_; ++a)
      matrix.push_back(std::vector<int64_t>(counts.begin() + a * classes_,
                                            counts.begin() + (a + 1) * classes_));
    j["confusion_matrix"] = matrix;
    return j;
  }
  const ConfusionMatrix& c = confusion_;
  j["precision"] = c.precision();
  j["recall"] = c.recall();
  j["f1"] = c.f1();
  j["roc_auc"] = number(auc_[0].Auc());
  j["roc_auc_error_bound"] = number(auc_[0].ErrorBound());
  j["auc_bins"] = auc_[0].bins();
  j["confusion_matrix"] = {{c.tn, c.fp}, {c.fn, c.tp}};
  return j;
}

}  // namespace outcore
