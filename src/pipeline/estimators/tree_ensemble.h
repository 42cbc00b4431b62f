#pragma once
// The one tree-ensemble representation and scorer every tree model shares (gradient boosting
// now; random forests and imported XGBoost / LightGBM models later): trees as flat arrays of
// nodes, a base score per output, and a link from raw scores to predictions.
//
// Decision rule at an internal node: a missing value (NaN) goes to the side `missing_left`
// says; otherwise, with SplitCompare::kLessEqual (scikit-learn's HistGradientBoosting),
// x <= threshold goes left, compared in double; with SplitCompare::kLessFloat32 (XGBoost),
// float(x) < float(threshold) goes left. A categorical node (scikit-learn's HistGradientBoosting
// with categorical_features) holds two disjoint sets of categories instead of a threshold: the
// category of x is trunc(x) for 0 <= x < 2^31 (x rounded to float first under the float32 rule,
// as XGBoost reads it). A missing x goes to the missing side; x goes left when its category is
// in `left`, right when it is in `right`, and otherwise (a negative or too large value, a
// category neither set holds) to the node's `other` side: the missing side (scikit-learn:
// unknown categories are treated as missing) or left (XGBoost: every category not in the set
// that goes right). A tree adds its leaf value to one output (its
// `group`, as XGBoost's multiclass trees do), so k outputs take k trees per boosting round.
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

/// The deepest a tree may be (root at depth 0): the loader refuses deeper trees and the
/// growers stop splitting there. Scoring walks at most this many nodes per row and tree.
inline constexpr int kMaxTreeDepth = 256;

/// The largest category a categorical split can hold: a value's category is trunc(x) for
/// 0 <= x < 2^31.
inline constexpr int64_t kMaxCategory = (int64_t{1} << 31) - 1;

/// One node. A leaf has feature = -1 (and left = right = -1); an internal node has feature
/// >= 0 and two children, and splits on its threshold or, when categories >= 0, on the
/// category sets Tree::categories[categories].
struct TreeNode {
  double threshold = 0;  // numeric splits: the split value (0 for leaves and categorical splits)
  double value = 0;      // leaves: what the tree adds to its output
  int32_t feature = -1;
  int32_t left = -1, right = -1;
  int32_t categories = -1;  // a categorical split: its index in Tree::categories
  bool missing_left = false;
  bool is_leaf() const { return feature < 0; }
  bool is_categorical() const { return categories >= 0; }
};

/// Where a categorical split sends a value whose category neither of its sets holds.
enum class CategoryOther : uint8_t { kMissing, kLeft, kRight };

/// The categories a categorical split sends left and right: ascending, disjoint, each in
/// [0, kMaxCategory]; any other non-missing value goes to `other`.
struct CategorySplit {
  std::vector<int32_t> left, right;
  CategoryOther other = CategoryOther::kMissing;
  bool operator==(const CategorySplit& o) const { return left == o.left && right == o.right && other == o.other; }
};

/// A tree: nodes[0] is the root; it adds to output `group`.
struct Tree {
  std::vector<TreeNode> nodes;
  std::vector<CategorySplit> categories;  // the categorical nodes' sets
  int32_t group = 0;
};

/// How raw scores (base_score + the sum of each output's trees) become predictions.
enum class TreeLink {
  kIdentity,  // regression: the raw score
  kSigmoid,   // binary classification: P(class 1) = 1 / (1 + exp(-raw))
  kSoftmax,   // k classes: P(class j) = exp(raw_j) / sum exp(raw)
  kAverage,   // random forests: base_score + the mean of the output's trees
};

enum class SplitCompare {
  kLessEqual,    // x <= threshold goes left (double)
  kLessFloat32,  // float(x) < float(threshold) goes left (XGBoost)
};

/// Whether row value x goes left at categorical node `node` of `tree` (the rule above; with
/// kLessFloat32 the category is that of float(x)).
bool CategoryGoesLeft(const Tree& tree, const TreeNode& node, double x, SplitCompare compare);

struct TreeEnsemble {
  int64_t n_features = 0;
  int32_t n_outputs = 1;
  std::vector<double> base_score;  // one per output
  TreeLink link = TreeLink::kIdentity;
  SplitCompare compare = SplitCompare::kLessEqual;
  /// XGBoost's sums: each output's raw score starts at its base score and is rounded to float
  /// after every tree, in tree order, as XGBoost adds its predictions; so an imported booster's
  /// raw scores are XGBoost's bit for bit. Otherwise (false) the trees are summed in double and
  /// the base score added after them.
  bool float32_sums = false;
  std::vector<Tree> trees;

  /// Writes X.rows x n_outputs predictions (row-major: the outputs of row i at out[i * k])
  /// after the link. Rows are scored in blocks through a form compiled from the trees at each
  /// call (leaf masks or ranked nodes, tree_ensemble.cc), with the plain walk's results bit
  /// for bit.
  /// With threads > 1 the blocks are shared among that many threads (for a large in-memory
  /// matrix; Pipeline::Predict is already called from many threads and passes 1). Throws
  /// kSchema if X does not have n_features features.
  void Predict(const Features& X, double* out, int threads = 1) const;
  /// The same without the link: base_score + the sum of the trees (the mean for kAverage).
  void RawScores(const Features& X, double* out, int threads = 1) const;
};

const char* LinkName(TreeLink link);
const char* CompareName(SplitCompare compare);

/// {"n_features", "n_outputs", "link", "compare", "base_score": [k], "sums" (optional:
/// "float32" or "double", the default), "trees": [{"group",
/// "feature": [...], "threshold", "left", "right", "missing_left", "value", and for a tree with
/// categorical splits "categories": [null or {"left": [...], "right": [...], "other" (optional:
/// "missing", the default, "left" or "right")} per node]}]}: one array per node field
/// (docs/model-format.md).
Json TreeEnsembleToJson(const TreeEnsemble& ensemble);

/// Parses TreeEnsembleToJson's output, checking everything scoring relies on: every child
/// index in range, every node reached from the root exactly once (no cycle, no shared or
/// orphan node), depth at most kMaxTreeDepth, features below n_features, thresholds and
/// values finite, groups below n_outputs, category sets ascending, disjoint and in range, and no
/// feature split both on categories and on thresholds. Errors are kModel "state.trees[3].left[7]: ... (KIND)",
/// so that the model loader names the JSON path.
TreeEnsemble TreeEnsembleFromJson(const std::string& kind, const Json& state);

}  // namespace outcore
