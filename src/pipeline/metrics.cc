#include "outcore/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace outcore {

void Metrics::Add(const double* y, const double* p, int64_t n) {
  // Probabilities are clipped to [eps, 1 - eps] as scikit-learn's log_loss does.
  const double eps = std::numeric_limits<double>::epsilon();
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
  if (classifier_) {
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

}  // namespace outcore
