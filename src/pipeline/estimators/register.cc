#include "pipeline/estimators/register.h"

#include "pipeline/estimators/linear_regression.h"
#include "pipeline/estimators/logistic_regression.h"

namespace outcore {

void RegisterEstimators(std::vector<Registration<Estimator>>* registry) {
  const ParamSpec fit_intercept =
      ParamSpec::Bool("fit_intercept").Default(true).Doc("fit an intercept (else it is 0)");
  registry->push_back(Registration<Estimator>::Declare(
      "logistic_regression",
      "L2-penalised logistic regression: binary (liblinear's objective; predicts P(class 1)) "
      "or multiclass (multinomial, scikit-learn's lbfgs objective, or one-vs-rest).",
      {ParamSpec::Float("C").Default(1.0).Above(0).Doc(
           "inverse strength of the L2 penalty (scikit-learn's C)"),
       ParamSpec::Float("tol").Default(1e-10).AtLeast(0).Doc(
           "stop when the gradient's norm is at most tol times its norm at w = 0"),
       ParamSpec::Int("max_iter").Default(100).AtLeast(1).Doc(
           "the most Newton iterations (L-BFGS iterations for multinomial)"),
       fit_intercept,
       ParamSpec::Float("intercept_scaling").Default(1.0).Above(0).Doc(
           "the value of the synthetic intercept feature (liblinear's; the intercept is penalised)"),
       ParamSpec::String("multi_class")
           .Default("auto")
           .OneOf({"auto", "multinomial", "ovr"},
                  {"multinomial for more than 2 classes, else binary",
                   "softmax over every class, fitted by L-BFGS (intercepts not penalised)",
                   "one binary model per class, probabilities normalised"})
           .Doc("how more than two classes are fitted (scikit-learn's multi_class)")},
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
