#include "pipeline/estimators/register.h"

#include "pipeline/estimators/linear_regression.h"
#include "pipeline/estimators/logistic_regression.h"

namespace outcore {

void RegisterEstimators(std::vector<Registration<Estimator>>* registry) {
  const ParamSpec fit_intercept =
      ParamSpec::Bool("fit_intercept").Default(true).Doc("fit an intercept (else it is 0)");
  registry->push_back(Registration<Estimator>::Declare(
      "logistic_regression",
      "Binary classifier, L2-penalised logistic regression (liblinear's objective); predicts "
      "P(y=1).",
      {ParamSpec::Float("C").Default(1.0).Above(0).Doc(
           "inverse strength of the L2 penalty (scikit-learn's C)"),
       ParamSpec::Float("tol").Default(1e-10).AtLeast(0).Doc(
           "stop when the gradient's norm is at most tol times its norm at w = 0"),
       ParamSpec::Int("max_iter").Default(100).AtLeast(1).Doc("the most Newton iterations"),
       fit_intercept,
       ParamSpec::Float("intercept_scaling").Default(1.0).Above(0).Doc(
           "the value of the synthetic intercept feature (liblinear's; the intercept is penalised)")},
      MakeLogisticRegression));
  registry->push_back(Registration<Estimator>::Declare(
      "linear_regression",
      "Ordinary least squares; the least-norm solution when features are collinear.",
      {fit_intercept}, MakeLinearRegression));
  registry->push_back(Registration<Estimator>::Declare(
      "ridge",
      "Least squares with an L2 penalty alpha on the coefficients (not on the intercept).",
      {ParamSpec::Float("alpha").Default(1.0).AtLeast(0).Doc(
           "strength of the L2 penalty (0 = linear_regression)"),
       fit_intercept},
      MakeRidge));
}

}  // namespace outcore
