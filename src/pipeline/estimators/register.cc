#include "pipeline/estimators/register.h"

#include "pipeline/estimators/linear_regression.h"
#include "pipeline/estimators/logistic_regression.h"

namespace outcore {

void RegisterEstimators(std::vector<Registration<Estimator>>* registry) {
  registry->push_back(
      {"logistic_regression",
       "Binary classifier, L2-penalised logistic regression (liblinear's objective); predicts "
       "P(y=1).",
       "C: > 0 = 1.0; tol: >= 0 = 1e-10; max_iter: int >= 1 = 100; fit_intercept: bool = true; "
       "intercept_scaling: > 0 = 1.0",
       MakeLogisticRegression});
  registry->push_back({"linear_regression",
                       "Ordinary least squares; the least-norm solution when features are "
                       "collinear.",
                       "fit_intercept: bool = true", MakeLinearRegression});
  registry->push_back({"ridge",
                       "Least squares with an L2 penalty alpha on the coefficients (not on the "
                       "intercept).",
                       "alpha: >= 0 = 1.0; fit_intercept: bool = true", MakeRidge});
}

}  // namespace outcore
