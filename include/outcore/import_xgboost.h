#pragma once
/// Models trained by XGBoost, scored by outcore as XGBoost scores them (docs/import.md): its
/// JSON model format converted into a tree ensemble estimator inside an outcore model.
#include <string>

#include "outcore/fit.h"
#include "outcore/model.h"

namespace outcore {

/// What an XGBoost JSON model (`text`; `origin` names it in errors) holds, after every check
/// of the conversion: {"estimator_kind" ("tree_ensemble_classifier" or
/// "tree_ensemble_regressor"), "objective", "version", "num_class" (0 for regression),
/// "num_features", "feature_names" (empty when the file has none), "num_trees", "node_ids" (per
/// tree, the XGBoost node id of each outcore node: what pred_leaf=True reports)}. A construct
/// outcore does not convert is a kModel error naming its JSON path.
Json XGBoostSummary(const std::string& text, const std::string& origin);

/// An outcore model that scores as the XGBoost model `text` does: `data` (a sample read as fit
/// reads it) gives the read options, target and classes, and the input columns and their types;
/// the spec's steps are fitted on its rows and must make exactly the XGBoost model's features
/// (by name when it has names, else by count); its [model] kind must be the summary's
/// estimator_kind. The training record says where the trees came from ({"imported_from":
/// {"library": "xgboost", "version", "objective", "num_trees", ...}}).
Model ImportXGBoost(const std::string& text, const std::string& origin, const PipelineSpec& spec,
                    TrainingData data);

}  // namespace outcore
