#pragma once
/// Models trained by XGBoost, scored by outcore as XGBoost scores them (docs/import.md): its
/// JSON model format converted into a tree ensemble estimator inside an outcore model.
#include <cstdint>
#include <memory>
#include <string>

#include "outcore/fit.h"
#include "outcore/model.h"

namespace outcore {

/// The spec of an import: [read], target and [[steps]] as for fit, checked as for fit, and no
/// [model] (the XGBoost file is the model; one is refused by name). The spec returned holds a
/// stand-in model, a classifier or a regressor as `classifier` says (the summary's num_class >
/// 0), so that reading a sample (ReadTrainingData) reads the target as the trees need.
PipelineSpec LoadXGBoostSpec(const std::string& path, bool classifier);

struct XGBoostModel;

/// An XGBoost JSON model (`text`; `origin` names it in errors), read and converted once, with
/// every check: a construct outcore does not convert is a kModel error naming its JSON path.
class XGBoostImport {
 public:
  XGBoostImport(const std::string& text, const std::string& origin);

  /// What the model holds: {"estimator_kind" ("tree_ensemble_classifier" or
  /// "tree_ensemble_regressor"), "objective", "version", "num_class" (0 for regression),
  /// "num_features", "feature_names" (empty when the file has none), "num_trees", "num_rounds",
  /// "best_iteration" (learner.attributes' record of early stopping, or null), "node_ids" (per
  /// tree, the XGBoost node id of each outcore node: what pred_leaf=True reports)}.
  Json Summary() const;

  /// An outcore model that scores as the XGBoost model does: `data` (a sample read as fit
  /// reads it) gives the read options, target and classes, and the input columns and their
  /// types; the spec's steps are fitted on its rows and must make exactly the XGBoost model's
  /// features (by name when it has names, else by count); the estimator is the summary's
  /// estimator_kind (the spec's model is not used). The training record says where the trees
  /// came from ({"imported_from": {"library": "xgboost", "version", "objective", "num_trees",
  /// ...}}). Only the boosting rounds rounds_begin to rounds_end - 1 are kept, as XGBoost's
  /// predict(iteration_range=(begin, end)) uses them; rounds_end = 0: every round
  /// (Booster.predict's default; XGBClassifier.predict after early stopping uses
  /// best_iteration + 1). Rounds outside the booster's are a kUsage error.
  Model Import(const PipelineSpec& spec, TrainingData data, int64_t rounds_begin = 0, int64_t rounds_end = 0) const;

 private:
  std::shared_ptr<const XGBoostModel> model_;
  std::string origin_;
};

}  // namespace outcore
