#include "pipeline/estimators/register.h"

#include "pipeline/estimators/class_weight.h"
#include "pipeline/estimators/gradient_boosting.h"
#include "pipeline/estimators/linear_regression.h"
#include "pipeline/estimators/logistic_regression.h"
#include "pipeline/estimators/random_forest.h"
#include "pipeline/estimators/class_weight.h"

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
           .Doc("how more than two classes are fitted (scikit-learn's multi_class)"),
       ClassWeightParam()},
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
  RegisterGradientBoosting(registry);
  RegisterRandomForests(registry);
}

// scikit-learn 1.2's HistGradientBoostingRegressor / Classifier parameters and defaults.
void RegisterGradientBoosting(std::vector<Registration<Estimator>>* registry) {
  ParamSpec validation_fraction = ParamSpec::Float("validation_fraction").Default(0.1).Above(0).Doc(
      "the fraction of the rows held out to decide early stopping");
  validation_fraction.max = 1, validation_fraction.max_exclusive = true;
  const std::vector<ParamSpec> params = {
      ParamSpec::Float("learning_rate").Default(0.1).Above(0).Doc("the shrinkage of each tree's leaf values"),
      ParamSpec::Int("max_iter").Default(100).AtLeast(1).Doc("the most boosting iterations (trees)"),
      ParamSpec::Int("max_leaf_nodes").Default(31).AtLeast(2).Doc("the most leaves of a tree"),
      ParamSpec::Int("max_depth").AtLeast(1).Doc(
          "the deepest a tree may grow (root at depth 0); unset: no limit but the cap of 256"),
      ParamSpec::Int("min_samples_leaf").Default(20).AtLeast(1).Doc("the fewest training rows of a leaf"),
      ParamSpec::Float("l2_regularization").Default(0.0).AtLeast(0).Doc("the L2 penalty on leaf values"),
      ParamSpec::Int("max_bins").Default(255).AtLeast(2).AtMost(255).Doc(
          "the most bins of a feature's values (missing values get one more)"),
      ParamSpec::BoolOrString("early_stopping")
          .Default("auto")
          .OneOf({"auto"})
          .Doc("stop when the held-out loss stops improving; \"auto\": when there are more than 10000 rows"),
      validation_fraction,
      ParamSpec::Int("n_iter_no_change").Default(10).AtLeast(1).Doc(
          "early stopping: stop after this many iterations without an improvement above tol"),
      ParamSpec::Float("tol").Default(1e-7).AtLeast(0).Doc("early stopping: the smallest improvement of the loss"),
      ParamSpec::Int("random_state").AtLeast(0).Doc(
          "seed of the bin subsample and the early-stopping rows; unset: 0 (always the same model)")};
  registry->push_back(Registration<Estimator>::Declare(
      "gradient_boosting_regressor",
      "Histogram gradient-boosted trees, squared error (scikit-learn's HistGradientBoostingRegressor).", params,
      MakeGradientBoostingRegressor));
  std::vector<ParamSpec> classifier_params = params;
  classifier_params.push_back(ClassWeightParam());
  registry->push_back(Registration<Estimator>::Declare(
      "gradient_boosting_classifier",
      "Histogram gradient-boosted trees on the log loss (scikit-learn's HistGradientBoostingClassifier): "
      "binary (predicts P(class 1)) or multiclass (one tree per class and iteration, softmax).",
      classifier_params, MakeGradientBoostingClassifier));
}

// scikit-learn 1.2's RandomForestRegressor / Classifier parameters and defaults, plus max_bins
// (splits are on histogram bins: docs/spec.md says how that differs from scikit-learn).
void RegisterRandomForests(std::vector<Registration<Estimator>>* registry) {
  std::vector<ParamSpec> params = {
      ParamSpec::Int("n_estimators").Default(100).AtLeast(1).Doc("the number of trees"),
      ParamSpec::Int("max_depth").AtLeast(1).Doc(
          "the deepest a tree may grow (root at depth 0); unset: until leaves are pure or too small, "
          "within the cap of 256"),
      ParamSpec::Int("min_samples_split").Default(2).AtLeast(2).Doc(
          "the fewest rows (distinct rows of the tree's sample) a node needs to be split"),
      ParamSpec::Int("min_samples_leaf").Default(1).AtLeast(1).Doc(
          "the fewest rows (distinct rows of the tree's sample) of a leaf"),
      ParamSpec::Float("min_weight_fraction_leaf").Default(0.0).AtLeast(0).AtMost(0.5).Doc(
          "the least weight of a leaf, as a fraction of the weight of the tree's rows (draws x class weights)"),
      ParamSpec::NumberOrString("max_features").Above(0).Doc(
          "features tried per node: \"sqrt\", \"log2\", a count (whole number) or a fraction in (0, 1]"),
      ParamSpec::Bool("bootstrap").Default(true).Doc(
          "grow each tree on rows drawn with replacement (else on every row)"),
      ParamSpec::NumberOrString("max_samples").Above(0).Doc(
          "rows drawn per tree with bootstrap: a count (whole number) or a fraction in (0, 1]; unset: all rows"),
      ParamSpec::Int("max_bins").Default(255).AtLeast(2).AtMost(255).Doc(
          "the most bins of a feature's values (missing values get one more); splits are on bin edges"),
      ParamSpec::Int("random_state").AtLeast(0).Doc(
          "seed of the trees' rows and features (and the bin subsample); unset: 0 (always the same model)")};
  std::vector<ParamSpec> regressor = params, classifier = params;
  regressor[5].Default(1.0);
  classifier[5].Default("sqrt");
  classifier.push_back(ClassWeightParam());
  registry->push_back(Registration<Estimator>::Declare(
      "random_forest_regressor",
      "Random forest of regression trees, squared error (scikit-learn's RandomForestRegressor); predicts the "
      "mean of the trees' leaf means. Thresholds are bin edges and the random draws are not scikit-learn's: "
      "not its trees, as good ones.",
      regressor, MakeRandomForestRegressor));
  registry->push_back(Registration<Estimator>::Declare(
      "random_forest_classifier",
      "Random forest of classification trees, Gini impurity, any number of classes (scikit-learn's "
      "RandomForestClassifier); predicts the mean of the trees' leaf class fractions. Thresholds are bin edges "
      "and the random draws are not scikit-learn's: not its trees, as good ones.",
      classifier, MakeRandomForestClassifier));
}

}  // namespace outcore
