#pragma once
// The built-in estimators: logistic_regression, linear_regression, ridge,
// gradient_boosting_regressor and gradient_boosting_classifier, each registered with
// its declared parameters (register.cc).
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

void RegisterEstimators(std::vector<Registration<Estimator>>* registry);
/// gradient_boosting_regressor and gradient_boosting_classifier.
void RegisterGradientBoosting(std::vector<Registration<Estimator>>* registry);

}  // namespace outcore
