#pragma once
// The built-in estimators: logistic_regression, linear_regression, ridge,
// gradient_boosting_regressor and gradient_boosting_classifier, random_forest_regressor and
// random_forest_classifier, each registered with its declared parameters (register.cc).
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

void RegisterEstimators(std::vector<Registration<Estimator>>* registry);
/// gradient_boosting_regressor and gradient_boosting_classifier.
void RegisterGradientBoosting(std::vector<Registration<Estimator>>* registry);
/// random_forest_regressor and random_forest_classifier.
void RegisterRandomForests(std::vector<Registration<Estimator>>* registry);

}  // namespace outcore
