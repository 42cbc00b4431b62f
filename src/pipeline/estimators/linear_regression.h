#pragma once
// linear_regression and ridge: least squares on the centred Gram matrix, with scikit-learn's
// objectives (LinearRegression's minimum-norm solution; Ridge with an unpenalised intercept).
#include <memory>

#include "outcore/pipeline.h"

namespace outcore {

/// Build the estimator from parameters checked against its declaration (register.cc), every
/// default filled in.
std::unique_ptr<Estimator> MakeLinearRegression(const Json& params);
std::unique_ptr<Estimator> MakeRidge(const Json& params);

}  // namespace outcore
