#pragma once
// logistic_regression: binary L2-regularised logistic regression with exactly the objective of
// scikit-learn's LogisticRegression(solver='liblinear'), solved by Newton's method.
#include <memory>

#include "outcore/pipeline.h"

namespace outcore {

/// Builds the estimator from parameters checked against its declaration (register.cc), every
/// default filled in.
std::unique_ptr<Estimator> MakeLogisticRegression(const Json& params);

}  // namespace outcore
