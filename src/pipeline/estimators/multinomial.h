#pragma once
// Multinomial logistic regression: the softmax of k linear functions, fitted by L-BFGS to
// scikit-learn's lbfgs objective, C * sum_i w_i (-log P(y_i | x_i)) + 0.5 |W|^2 (the
// intercepts are not penalised; w_i = 1 without class_weight).
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

/// k linear functions of p features: coef row-major (k x p), one intercept per class.
struct SoftmaxState {
  int64_t classes = 0;
  int64_t features = 0;
  std::vector<double> coef;
  std::vector<double> intercept;
};

struct SoftmaxFitOptions {
  double c = 1.0;
  bool fit_intercept = true;
  double tol = 1e-10;      // stop when |gradient| <= tol * |gradient at W = 0|
  int64_t max_iter = 100;  // L-BFGS iterations
};

/// Fits `classes` >= 2 classes to labels y in 0..classes-1, each row's loss weighted by
/// row_weights (empty: 1; class_weight). `info` receives the solver's record (iterations,
/// converged, stop_reason, objective, gradient norms).
SoftmaxState FitSoftmax(const Features& X, const std::vector<double>& y, const std::vector<double>& row_weights,
                        int64_t classes, const SoftmaxFitOptions& options, Json* info);

/// out[i * k + c] = P(class c | row i); NaN for every class where a feature of row i is NaN.
void PredictSoftmax(const SoftmaxState& state, const Features& X, double* out);

/// {"coef": [[...] per class], "intercept": [...], "n_features": p}.
Json SaveSoftmaxState(const SoftmaxState& state);
/// Parses SaveSoftmaxState's output with `classes` classes; kModel errors name `kind`.
SoftmaxState LoadSoftmaxState(const std::string& kind, const Json& state, int64_t classes);

}  // namespace outcore
