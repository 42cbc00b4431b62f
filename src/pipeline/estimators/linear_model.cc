#include "pipeline/estimators/linear_model.h"

#include <algorithm>
#include <cmath>

#include "outcore/error.h"

namespace outcore {

namespace {

[[noreturn]] void BadState(const std::string& kind, const std::string& why) {
  Fail(ErrorCode::kModel, kind + ": invalid estimator state: " + why);
}

double FiniteNumber(const std::string& kind, const Json& value, const std::string& what) {
  if (!value.is_number()) BadState(kind, what + " must be a number, got " + value.dump());
  double x = value.get<double>();
  if (!std::isfinite(x)) BadState(kind, what + " is not finite");
  return x;
}

}  // namespace

Json SaveLinearState(const LinearState& state) {
  return Json{
      {"coef", state.coef}, {"intercept", state.intercept}, {"n_features", state.coef.size()}};
}

LinearState LoadLinearState(const std::string& kind, const Json& state) {
  if (!state.is_object()) BadState(kind, "expected an object, got " + state.dump());
  for (const auto& [key, value] : state.items()) {
    if (key != "coef" && key != "intercept" && key != "n_features") {
      BadState(kind, "unknown key '" + key + "' (known: coef, intercept, n_features)");
    }
  }
  for (const char* key : {"coef", "intercept", "n_features"}) {
    if (!state.contains(key)) BadState(kind, std::string("missing key '") + key + "'");
  }
  const Json& n_features = state["n_features"];
  if (!n_features.is_number_integer() || n_features.get<int64_t>() < 0) {
    BadState(kind, "n_features must be an integer >= 0, got " + n_features.dump());
  }
  const Json& coef = state["coef"];
  if (!coef.is_array()) BadState(kind, "coef must be an array");
  if (static_cast<int64_t>(coef.size()) != n_features.get<int64_t>()) {
    BadState(kind, "coef has " + std::to_string(coef.size()) + " values but n_features is " +
                       n_features.dump());
  }
  LinearState out;
  for (size_t j = 0; j < coef.size(); ++j) {
    out.coef.push_back(FiniteNumber(kind, coef[j], "coef[" + std::to_string(j) + "]"));
  }
  out.intercept = FiniteNumber(kind, state["intercept"], "intercept");
  out.fitted = true;
  return out;
}

void PredictLinear(const std::string& kind, const LinearState& state, const Features& X,
                   double* out) {
  if (!state.fitted) Fail(ErrorCode::kModel, kind + ": Predict called before Fit or LoadState");
  if (X.names.size() != state.coef.size()) {
    Fail(ErrorCode::kSchema, kind + ": the model was fitted on " +
                                 std::to_string(state.coef.size()) + " features, got " +
                                 std::to_string(X.names.size()));
  }
  // Column by column: the features are column-major. NaN propagates through the sums.
  std::fill(out, out + X.rows, state.intercept);
  for (size_t j = 0; j < state.coef.size(); ++j) {
    const double c = state.coef[j];
    const double* x = X.col(j);
    for (int64_t i = 0; i < X.rows; ++i) out[i] += c * x[i];
  }
}

void CheckFitInputs(const std::string& kind, const Features& X, const std::vector<double>& y) {
  const size_t p = X.names.size();
  if (X.rows < 0 || X.values.size() != static_cast<size_t>(X.rows) * p) {
    Fail(ErrorCode::kInvalidInput, kind + ": features hold " + std::to_string(X.values.size()) +
                                       " values, expected rows x features = " +
                                       std::to_string(X.rows) + " x " + std::to_string(p));
  }
  if (X.rows == 0) Fail(ErrorCode::kInvalidInput, kind + ": cannot fit on zero rows");
  if (y.size() != static_cast<size_t>(X.rows)) {
    Fail(ErrorCode::kInvalidInput, kind + ": " + std::to_string(y.size()) + " target values for " +
                                       std::to_string(X.rows) + " rows");
  }
  for (size_t j = 0; j < p; ++j) {
    const double* x = X.col(j);
    int64_t missing = 0, infinite = 0;
    for (int64_t i = 0; i < X.rows; ++i) {
      missing += std::isnan(x[i]);
      infinite += std::isinf(x[i]);
    }
    if (missing > 0) {
      Fail(ErrorCode::kInvalidInput,
           kind + ": feature '" + X.names[j] + "' has " + std::to_string(missing) +
               " missing values (NaN) in " + std::to_string(X.rows) +
               " rows; add an 'imputer' step before the estimator to fill them");
    }
    if (infinite > 0) {
      Fail(ErrorCode::kInvalidInput, kind + ": feature '" + X.names[j] + "' has " +
                                         std::to_string(infinite) + " infinite values in " +
                                         std::to_string(X.rows) + " rows");
    }
  }
  for (int64_t i = 0; i < X.rows; ++i) {
    if (!std::isfinite(y[i])) {
      Fail(ErrorCode::kInvalidInput, kind + ": the target is missing or infinite at row " +
                                         std::to_string(i) + "; drop or fill those rows");
    }
  }
}

}  // namespace outcore
