#include "pipeline/estimators/linear_model.h"

#include <algorithm>
#include <cmath>

#include "outcore/error.h"
#include "pipeline/params.h"

namespace outcore {

Json SaveLinearState(const LinearState& state) {
  return Json{
      {"coef", state.coef}, {"intercept", state.intercept}, {"n_features", state.coef.size()}};
}

LinearState LoadLinearState(const std::string& kind, const Json& state) {
  StateReader r(kind, state, {"coef", "intercept", "n_features"});
  for (const auto& [key, value] : state.items()) {
    if (key != "coef" && key != "intercept" && key != "n_features")
      r.Bad(key, "is not a key of this state (known: coef, intercept, n_features)");
  }
  const Json& n_features = state["n_features"];
  if (!n_features.is_number_integer() || n_features.get<int64_t>() < 0) {
    r.Bad("n_features", "must be an integer >= 0, got " +
                            (n_features.is_number() ? n_features.dump() : n_features.type_name()));
  }
  LinearState out;
  out.coef = r.Numbers("coef", n_features.get<int64_t>(), "feature, as state.n_features says");
  out.intercept = r.Number(state["intercept"], "intercept");
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

void CheckClassLabels(const std::string& kind, const std::vector<double>& y, int64_t classes) {
  std::vector<int64_t> rows(classes, 0);
  for (size_t i = 0; i < y.size(); ++i) {
    if (!(y[i] >= 0 && y[i] < classes && y[i] == std::floor(y[i])))
      Fail(ErrorCode::kInvalidInput, kind + ": the target must be a class index from 0 to " +
                                         std::to_string(classes - 1) + ", got " +
                                         std::to_string(y[i]) + " at row " + std::to_string(i));
    ++rows[static_cast<int64_t>(y[i])];
  }
  for (int64_t c = 0; c < classes; ++c) {
    if (rows[c] > 0) continue;
    if (classes == 2)
      Fail(ErrorCode::kInvalidInput, kind + ": the target has only one class (all " +
                                         std::to_string(y.size()) + " rows are " +
                                         (c == 0 ? "1" : "0") +
                                         "); a classifier needs rows of both 0 and 1");
    Fail(ErrorCode::kInvalidInput, kind + ": class " + std::to_string(c) + " of " +
                                       std::to_string(classes) + " has no training rows");
  }
}

}  // namespace outcore
