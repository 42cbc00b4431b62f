#pragma once
// XGBoost's JSON model format (what `booster.save_model("m.json")` and `save_raw("json")`
// write) converted into outcore's TreeEnsemble, so that outcore scores it as XGBoost does.
//
// Converted: gbtree boosters with objective binary:logistic (sigmoid), multi:softprob
// (softmax over num_class outputs; two classes become one sigmoid output, as every outcore
// binary classifier has) or reg:squarederror (identity); base_score (binary:logistic stores
// it as a probability, the raw base is its logit, computed in float32 as XGBoost does);
// missing values (each node's default_left); feature names; categorical splits
// (enable_categorical: the node's category set goes right, the rest of its bitset left, other
// values to the default side). Thresholds and leaf values are float32 in XGBoost and stay
// exactly those numbers; splits compare float(x) < threshold (SplitCompare::kLessFloat32).
// Anything else (dart, gblinear, other objectives, vector leaves) is refused by name with the
// JSON path, never approximated.
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/fit.h"
#include "outcore/model.h"
#include "outcore/pipeline.h"
#include "pipeline/estimators/tree_ensemble.h"

namespace outcore {

/// The boosting rounds to keep, as XGBoost's predict(iteration_range=(begin, end)) takes them:
/// rounds begin to end - 1; end = 0 means every round (XGBoost's (0, 0)). A round is one tree
/// per output group (num_class for multi:softprob) times num_parallel_tree.
struct XGBoostRounds {
  int64_t begin = 0, end = 0;
};

struct XGBoostModel {
  TreeEnsemble ensemble;
  std::string objective;                   // "binary:logistic", "multi:softprob", "reg:squarederror"
  std::string version;                     // "1.7.4", from the JSON's "version"
  std::vector<std::string> feature_names;  // learner.feature_names; empty when the file has none
  int64_t num_class = 0;                   // classes of a classifier (2 for binary:logistic), 0 for regression
  double base_score = 0;                   // as the file stores it (a probability for binary:logistic)
  int64_t num_rounds = 0;                  // boosting rounds in the file
  int64_t trees_per_round = 1;             // output groups x num_parallel_tree
  int64_t best_iteration = -1;             // learner.attributes.best_iteration (early stopping), or -1
  XGBoostRounds rounds;                    // the rounds converted: [begin, end), end > 0
  /// Per tree, the XGBoost node id of each of its nodes: XGBoost keeps pruned (deleted) nodes
  /// in its arrays and outcore does not, so ids differ when a tree had some. What
  /// pred_leaf=True reports is node_ids[tree][outcore's leaf].
  std::vector<std::vector<int32_t>> node_ids;

  bool classifier() const { return num_class > 0; }
  /// Where the model came from, for the model file's training record: {"imported_from":
  /// {"library": "xgboost", "version", "objective", "num_trees", "num_features", "num_class",
  /// "base_score", "feature_names", "num_rounds", "rounds": [begin, end], "best_iteration"}}.
  Json TrainingRecord() const;
};

/// Converts a parsed XGBoost JSON model, the trees of `rounds` only. `origin` (a file name, or
/// "booster") starts every error: kModel "m.json: learner.gradient_booster.name is \"dart\":
/// ..."; rounds beyond the booster's are kUsage.
XGBoostModel ConvertXGBoost(const Json& model, const std::string& origin, XGBoostRounds rounds = {});
/// The same from the JSON text (refusing text that is not JSON, e.g. a UBJSON or binary model).
XGBoostModel ConvertXGBoostText(const std::string& text, const std::string& origin, XGBoostRounds rounds = {});
/// Keeps only `rounds` of a converted model's trees; rounds outside its own are a kUsage error
/// naming `origin`.
void KeepRounds(XGBoostModel* x, XGBoostRounds rounds, const std::string& origin);

/// The estimator kind that holds `x`'s trees: "tree_ensemble_classifier" or
/// "tree_ensemble_regressor".
std::string XGBoostEstimatorKind(const XGBoostModel& x);

/// An outcore model scoring as `x` does: `data` (rows read from a sample as `fit` reads them:
/// ReadTrainingData or TrainingDataFromBatches) gives the read options, the target and its
/// classes, and the input columns with their types; the spec's steps are fitted on its rows
/// (nothing else is learned from them); the estimator, of kind XGBoostEstimatorKind(x), holds
/// the trees. The steps must make exactly x's features: the
/// names in order when x has feature_names, else as many; a classifier's target must have
/// x.num_class classes (class i is XGBoost's label i). The training record is
/// x.TrainingRecord() plus the spec's path and the sample's rows. The result has passed the
/// model loader's checks. Errors: kSchema (features, classes). The spec's [model] is not used
/// (it only decided how the sample's target was read).
Model ModelFromXGBoost(const XGBoostModel& x, const PipelineSpec& spec, TrainingData data);

}  // namespace outcore
