#pragma once
// random_forest_classifier and random_forest_regressor: scikit-learn's RandomForest* parameters
// and defaults (register.cc declares them), on histogram splits: features binned by quantiles
// as for gradient boosting (binning.h, missing values in a bin of their own), each tree grown
// depth-first on a bootstrap sample (draw counts as row weights), each node split on the best
// bin edge of max_features features drawn at random; Gini impurity or squared error. Trees are
// grown in parallel, each from its own seed (random_state and its index), so a fit gives the
// same model on any number of threads. The shared TreeEnsemble (tree_ensemble.h) scores them
// with the link "average".
#include <memory>

#include "outcore/pipeline.h"

namespace outcore {

/// Build the estimator from parameters checked against its declaration (register.cc), every
/// default filled in. The checks a declaration cannot express (max_features, max_samples) are
/// made here: a kModel error naming the parameter.
std::unique_ptr<Estimator> MakeRandomForestRegressor(const Json& params);
std::unique_ptr<Estimator> MakeRandomForestClassifier(const Json& params);

}  // namespace outcore
