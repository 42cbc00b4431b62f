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
#include <string>

#include "outcore/pipeline.h"
#include "pipeline/estimators/tree_ensemble.h"

namespace outcore {

/// Build the estimator from parameters checked against its declaration (register.cc), every
/// default filled in. The checks a declaration cannot express (max_features, max_samples) are
/// made here: a kModel error naming the parameter.
std::unique_ptr<Estimator> MakeRandomForestRegressor(const Json& params);
std::unique_ptr<Estimator> MakeRandomForestClassifier(const Json& params);

/// The checks on trees whose prediction is their average (link "average"), as a forest's
/// Fit writes them (the imported tree ensembles share them): base scores 0, every output with
/// a tree; for a classifier, leaf values in [0, 1] and, with k > 2 outputs, each tree as k
/// trees in a row (groups 0..k-1) of one structure whose leaf values sum to 1. Throws kModel
/// naming the JSON path ("state.trees[3]: ... (KIND)").
void CheckAveragedTrees(const TreeEnsemble& e, bool classifier, const std::string& kind);

}  // namespace outcore
