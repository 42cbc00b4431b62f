#pragma once
// The built-in estimators: logistic_regression, linear_regression, ridge.
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

void RegisterEstimators(std::vector<Registration<Estimator>>* registry);

}  // namespace outcore
