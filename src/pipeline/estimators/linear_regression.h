#pragma once
// linear_regression and ridge: least squares on the centred Gram matrix, with scikit-learn's
// objectives (LinearRegression's minimum-norm solution; Ridge with an unpenalised intercept).
#include <memory>

#include "outcore/pipeline.h"

namespace outcore {

/// Validate `params` (kModel error naming the bad one) and build the estimator.
std::unique_ptr<Estimator> MakeLinearRegression(const Json& params);
std::unique_ptr<Estimator> MakeRidge(const Json& params);

}  // namespace outcore
