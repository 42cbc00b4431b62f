#pragma once
// What the linear estimators share: their learned state (coefficients + intercept), its JSON
// form, the linear predictor, and the checks on the data given to Fit.
#include <string>
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

/// A fitted linear function: intercept + coef · x.
struct LinearState {
  std::vector<double> coef;
  double intercept = 0;
  bool fitted = false;
};

/// {"coef": [...], "intercept": x, "n_features": p}.
Json SaveLinearState(const LinearState& state);
/// Parses SaveLinearState's output; anything else (missing or unknown key, wrong length,
/// NaN or infinite value) is a kModel error naming `kind`.
LinearState LoadLinearState(const std::string& kind, const Json& state);

/// out[i] = intercept + coef · x_i; NaN where a feature of row i is NaN. Throws kSchema if X
/// has the wrong number of features, kModel if the model is not fitted.
void PredictLinear(const std::string& kind, const LinearState& state, const Features& X,
                   double* out);

/// Fit-time checks, kInvalidInput on failure: X's shape is consistent, y has X.rows values,
/// there is at least one row, and no feature or target value is missing or infinite (the
/// message names the feature and the count, and suggests an imputer step).
void CheckFitInputs(const std::string& kind, const Features& X, const std::vector<double>& y);

/// A classifier's labels, kInvalidInput on failure: each is a class index 0..classes-1 and
/// every class has at least one row (the message names the class index and the row count).
void CheckClassLabels(const std::string& kind, const std::vector<double>& y, int64_t classes);

}  // namespace outcore
