#pragma once
// gradient_boosting_regressor and gradient_boosting_classifier: histogram gradient boosting
// with scikit-learn's HistGradientBoosting* parameters and defaults (register.cc declares
// them): features binned by quantiles (missing values in a bin of their own), trees grown
// leaf-wise (best gain first) from gradient/hessian histograms, squared error, binary log
// loss, or multinomial log loss with one tree per class and iteration (more than two classes);
// class_weight weighs rows. The trees are scored by the shared TreeEnsemble (tree_ensemble.h).
#include <memory>

#include "outcore/pipeline.h"

namespace outcore {

/// Build the estimator from parameters checked against its declaration (register.cc), every
/// default filled in.
std::unique_ptr<Estimator> MakeGradientBoostingRegressor(const Json& params);
std::unique_ptr<Estimator> MakeGradientBoostingClassifier(const Json& params);

}  // namespace outcore
