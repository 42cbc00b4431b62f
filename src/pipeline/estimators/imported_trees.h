#pragma once
// tree_ensemble_classifier and tree_ensemble_regressor: tree ensembles fitted by another
// library (XGBoost, scikit-learn) and converted into outcore's TreeEnsemble, in the user's
// Python process (outcore.from_sklearn, outcore.from_xgboost) or by `outcore import-xgboost`.
// They score like every tree model, through the shared TreeEnsemble, and are never fitted:
// a spec cannot name them, and Fit refuses. Their state is any TreeEnsemble a classifier or a
// regressor can mean, checked when loaded:
//   classifier: one output with link "sigmoid" (P(class 1)), k >= 3 outputs with "softmax",
//               or link "average" as a forest's (CheckAveragedTrees: probabilities in [0, 1]
//               summing to 1);
//   regressor:  one output, link "identity" or "average".
// Either comparison rule ("x <= threshold" in double, XGBoost's float32 "<").
#include <memory>
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

/// The two kinds, for the model loader (MakeLoadedEstimator): they take no parameters.
void RegisterImportedEstimators(std::vector<Registration<Estimator>>* registry);

}  // namespace outcore
