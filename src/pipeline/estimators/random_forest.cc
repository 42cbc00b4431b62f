#include "pipeline/estimators/random_forest.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "core/random.h"
#include "outcore/error.h"
#include "pipeline/estimators/binning.h"
#include "pipeline/estimators/class_weight.h"
#include "pipeline/estimators/linear_model.h"
#include "pipeline/estimators/tree_ensemble.h"

namespace outcore {

namespace {

// Rows above which Predict scores on several threads (predict's batches are at most 65,536).
constexpr int64_t kParallelScoreRows = 1 << 17;

// A uniform integer in [0, n) from the next 64 random bits (Lemire's multiply-shift).
uint64_t Below(uint64_t* state, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(SplitMix64(state)) * n) >> 64);
}

// One training row of a tree: its index, its class (classifier) or target (regressor), and its
// weight (bootstrap draws x class weight). Rows of weight 0 are not in the tree at all, as in
// scikit-learn.
struct Sample {
  uint32_t row;
  uint32_t cls;
  double y;
  double w;
};

struct ForestSettings {
  bool classifier;
  int classes;  // classifier: k; regressor: 0
  int64_t max_depth, min_samples_split, min_samples_leaf, max_features;  // max_depth < 0: none
  double min_weight_fraction_leaf;
};

// The best split of a node found so far.
struct Split {
  bool valid = false;
  double score = 0;  // the children's impurity proxy: larger is better
  int32_t feature = -1;
  int bin = 0;  // bins <= bin go left
  bool missing_left = false;
  int64_t n_left = 0, n_right = 0;
  bool node_has_missing = false;
};

// One grown tree: its nodes, and `outputs` leaf values per node (0 for internal nodes).
struct GrownTree {
  std::vector<TreeNode> nodes;
  std::vector<double> values;
  int depth = 0;
  int64_t leaves = 0;
};

// Grows one tree at a time, depth-first, on one thread: trees are grown in parallel instead.
class TreeBuilder {
 public:
  TreeBuilder(const Binner& binner, const std::vector<uint8_t>& bins, int64_t rows, const ForestSettings& s)
      : binner_(binner),
        bins_(bins),
        rows_(rows),
        p_(binner.edges.size()),
        s_(s),
        width_(s.classifier ? s.classes : 2),
        outputs_(s.classifier && s.classes > 2 ? s.classes : 1),
        hist_(static_cast<size_t>(kHistBins) * width_, 0.0),
        count_(kHistBins, 0),
        features_(p_) {
    std::iota(features_.begin(), features_.end(), 0);
  }

  GrownTree Grow(std::vector<Sample> samples, uint64_t* rng) {
    samples_ = std::move(samples);
    rng_ = rng;
    double total = 0;
    for (const Sample& s : samples_) total += s.w;
    min_weight_leaf_ = s_.min_weight_fraction_leaf * total;
    tree_ = GrownTree();
    struct Open {
      int32_t id;
      int64_t begin, end;
      int depth;
    };
    std::vector<Open> stack = {{0, 0, static_cast<int64_t>(samples_.size()), 0}};
    tree_.nodes.emplace_back();
    std::vector<double> stats(width_);
    while (!stack.empty()) {
      const Open node = stack.back();
      stack.pop_back();
      tree_.depth = std::max(tree_.depth, node.depth);
      const bool pure = NodeStats(node.begin, node.end, stats.data());
      const int64_t n = node.end - node.begin;
      const bool may_split = !pure && p_ > 0 && n >= s_.min_samples_split && n >= 2 * s_.min_samples_leaf &&
                             Weight(stats.data()) >= 2 * min_weight_leaf_ &&
                             (s_.max_depth < 0 || node.depth < s_.max_depth) && node.depth < kMaxTreeDepth;
      const Split split = may_split ? BestSplit(node.begin, node.end, stats.data()) : Split();
      if (!split.valid) {
        MakeLeaf(node.id, stats.data());
        continue;
      }
      const int64_t mid = Partition(split, node.begin, node.end);
      const int32_t left = static_cast<int32_t>(tree_.nodes.size());
      tree_.nodes.emplace_back();
      tree_.nodes.emplace_back();
      TreeNode& t = tree_.nodes[node.id];
      t.feature = split.feature;
      t.threshold = binner_.Threshold(static_cast<size_t>(split.feature), split.bin);
      t.missing_left = split.missing_left;
      t.left = left;
      t.right = left + 1;
      stack.push_back({left + 1, mid, node.end, node.depth + 1});
      stack.push_back({left, node.begin, mid, node.depth + 1});
    }
    tree_.values.resize(tree_.nodes.size() * outputs_, 0.0);
    samples_.clear();
    return std::move(tree_);
  }

 private:
  // The node's weighted class sums (classifier) or [weight, weight x target] (regressor);
  // true if the node is pure: one class of positive weight, or one target value.
  bool NodeStats(int64_t begin, int64_t end, double* stats) const {
    std::fill(stats, stats + width_, 0.0);
    if (s_.classifier) {
      for (int64_t k = begin; k < end; ++k) stats[samples_[k].cls] += samples_[k].w;
      int present = 0;
      for (int c = 0; c < width_; ++c) present += stats[c] > 0;
      return present <= 1;
    }
    double lo = samples_[begin].y, hi = lo;
    for (int64_t k = begin; k < end; ++k) {
      const Sample& s = samples_[k];
      stats[0] += s.w;
      stats[1] += s.w * s.y;
      lo = std::min(lo, s.y), hi = std::max(hi, s.y);
    }
    return lo == hi;
  }

  double Weight(const double* stats) const {
    if (!s_.classifier) return stats[0];
    double w = 0;
    for (int c = 0; c < width_; ++c) w += stats[c];
    return w;
  }

  // What a child of these sums adds to the score of a split (scikit-learn's "proxy impurity
  // improvement"). Gini: w x Gini = w - sum_c w_c^2 / w; squared error: the child's weighted
  // sum of squares about its mean is sum w y^2 - (sum w y)^2 / w. The children's w and
  // sum w y^2 add up to the parent's whatever the split, so the split of largest
  // sum_c w_c^2 / w, or (sum w y)^2 / w, over its children has the least weighted impurity.
  double Proxy(const double* stats) const {
    if (!s_.classifier) return stats[0] > 0 ? stats[1] * stats[1] / stats[0] : 0.0;
    double w = 0, sq = 0;
    for (int c = 0; c < width_; ++c) w += stats[c], sq += stats[c] * stats[c];
    return w > 0 ? sq / w : 0.0;
  }

  void MakeLeaf(int32_t id, const double* stats) {
    tree_.values.resize(tree_.nodes.size() * outputs_, 0.0);
    double* value = tree_.values.data() + static_cast<size_t>(id) * outputs_;
    const double w = Weight(stats);
    if (!(w > 0)) {  // a tree that drew only rows of class weight 0: every class alike
      std::fill_n(value, outputs_, outputs_ == 1 ? 0.5 : 1.0 / outputs_);
    } else if (!s_.classifier) {
      value[0] = stats[1] / w;
    } else if (outputs_ == 1) {
      value[0] = stats[1] / w;  // P(class 1)
    } else {
      for (int c = 0; c < outputs_; ++c) value[c] = stats[c] / w;
    }
    ++tree_.leaves;
  }

  // scikit-learn's rule: features are drawn at random without replacement until max_features
  // of them that are not constant in the node have been tried (or none is left); the best
  // split of those wins (the first drawn on a tie).
  Split BestSplit(int64_t begin, int64_t end, const double* parent) {
    Split best;
    int64_t tried = 0;
    for (size_t j = 0; j < p_ && tried < s_.max_features; ++j) {
      std::swap(features_[j], features_[j + Below(rng_, p_ - j)]);
      tried += TryFeature(features_[j], begin, end, parent, &best);
    }
    // Without missing values in the node, a missing value goes where most of its rows went.
    if (best.valid && !best.node_has_missing) best.missing_left = best.n_left > best.n_right;
    return best;
  }

  // Considers every split of feature f in the node; false if f is constant there.
  bool TryFeature(size_t f, int64_t begin, int64_t end, const double* parent, Split* best) {
    const uint8_t* col = bins_.data() + f * rows_;
    touched_.clear();
    for (int64_t k = begin; k < end; ++k) {
      const Sample& s = samples_[k];
      const uint8_t b = col[s.row];
      if (count_[b]++ == 0) touched_.push_back(b);
      double* h = hist_.data() + static_cast<size_t>(b) * width_;
      if (s_.classifier) {
        h[s.cls] += s.w;
      } else {
        h[0] += s.w;
        h[1] += s.w * s.y;
      }
    }
    std::sort(touched_.begin(), touched_.end());
    const bool has_missing = touched_.back() == kMissingBin;
    const size_t values = touched_.size() - (has_missing ? 1 : 0);  // distinct value bins
    const bool constant = values == 0 || (values == 1 && !has_missing);
    if (!constant) Scan(f, end - begin, parent, has_missing, values, best);
    for (uint8_t b : touched_) {
      count_[b] = 0;
      std::fill_n(hist_.data() + static_cast<size_t>(b) * width_, width_, 0.0);
    }
    return !constant;
  }

  // Scans the value bins left to right: bins <= b go left, missing values right; then, if the
  // node has missing values, with those left too.
  void Scan(size_t f, int64_t n, const double* parent, bool has_missing, size_t values, Split* best) {
    const double* missing = hist_.data() + static_cast<size_t>(kMissingBin) * width_;
    const int64_t n_missing = has_missing ? count_[kMissingBin] : 0;
    std::vector<double>& left = left_;
    std::vector<double>& right = right_;
    left.assign(width_, 0.0);
    right.resize(width_);
    int64_t n_left = 0;
    auto consider = [&](int bin, bool missing_left, int64_t nl) {
      const int64_t nr = n - nl;
      if (nl < s_.min_samples_leaf || nr < s_.min_samples_leaf) return;
      std::vector<double>& l = with_missing_;
      l = left;
      if (missing_left)
        for (int c = 0; c < width_; ++c) l[c] += missing[c];
      for (int c = 0; c < width_; ++c) right[c] = parent[c] - l[c];
      const double wl = Weight(l.data()), wr = Weight(right.data());
      if (wl <= 0 || wr <= 0 || wl < min_weight_leaf_ || wr < min_weight_leaf_) return;
      const double score = Proxy(l.data()) + Proxy(right.data());
      if (!best->valid || score > best->score)
        *best = {true, score, static_cast<int32_t>(f), bin, missing_left, nl, nr, has_missing};
    };
    for (size_t j = 0; j < values; ++j) {
      const uint8_t b = touched_[j];
      const double* h = hist_.data() + static_cast<size_t>(b) * width_;
      for (int c = 0; c < width_; ++c) left[c] += h[c];
      n_left += count_[b];
      if (j + 1 < values || has_missing) consider(b, false, n_left);
      if (j + 1 < values && has_missing) consider(b, true, n_left + n_missing);
    }
  }

  // Moves the node's rows that go left to its front; returns where the right ones begin.
  int64_t Partition(const Split& s, int64_t begin, int64_t end) {
    const uint8_t* col = bins_.data() + static_cast<size_t>(s.feature) * rows_;
    auto it = std::partition(samples_.begin() + begin, samples_.begin() + end, [&](const Sample& x) {
      const uint8_t b = col[x.row];
      return b == kMissingBin ? s.missing_left : b <= s.bin;
    });
    return it - samples_.begin();
  }

  const Binner& binner_;
  const std::vector<uint8_t>& bins_;  // column-major, rows_ per feature
  int64_t rows_;
  size_t p_;
  ForestSettings s_;
  int width_;    // statistics per bin
  int outputs_;  // leaf values per node
  std::vector<double> hist_;
  std::vector<int64_t> count_;
  std::vector<uint8_t> touched_;
  std::vector<double> left_, right_, with_missing_;
  std::vector<size_t> features_;
  std::vector<Sample> samples_;
  uint64_t* rng_ = nullptr;
  double min_weight_leaf_ = 0;  // min_weight_fraction_leaf x the weight of the tree's rows
  GrownTree tree_;
};

class RandomForest final : public Estimator {
 public:
  RandomForest(const Json& params, bool classifier) : params_(params), classifier_(classifier) {
    const Json& mf = params_["max_features"];
    if (mf.is_string() && mf != "sqrt" && mf != "log2")
      BadParam(kind(), "max_features", "must be \"sqrt\", \"log2\", a count (a whole number) or a fraction "
                                       "(a number with a point, in (0, 1]), got " + mf.dump());
    // The declaration refuses numbers <= 0.
    if (mf.is_number_float() && mf.get<double>() > 1)
      BadParam(kind(), "max_features", "as a fraction must be in (0, 1], got " + mf.dump() +
                                           " (a count is a whole number: 3, not 3.0)");
    if (params_.contains("max_samples")) {
      const Json& ms = params_["max_samples"];
      if (!params_["bootstrap"].get<bool>())
        BadParam(kind(), "max_samples", "applies to bootstrap samples only: it cannot be set with bootstrap = false");
      if (ms.is_string() || (ms.is_number_float() && ms.get<double>() > 1))
        BadParam(kind(), "max_samples", "must be a count of at least 1 (a whole number) or a fraction in (0, 1], got " +
                                            ms.dump());
    }
  }

  std::string kind() const override { return classifier_ ? "random_forest_classifier" : "random_forest_regressor"; }
  Json params() const override { return params_; }
  bool is_classifier() const override { return classifier_; }

  void SetClasses(const std::vector<std::string>& classes) override {
    if (!classifier_) return Estimator::SetClasses(classes);
    if (classes.size() < 2 || static_cast<int64_t>(classes.size()) > kMaxClasses)
      Fail(ErrorCode::kInvalidInput, kind() + ": a classifier needs 2 to " + std::to_string(kMaxClasses) +
                                         " classes, the target has " + std::to_string(classes.size()));
    classes_ = classes;
  }
  int64_t n_outputs() const override { return classifier_ && Classes() > 2 ? Classes() : 1; }

  void Fit(const Features& X, const std::vector<double>& y) override {
    CheckInputs(X, y);
    const uint64_t seed = params_.contains("random_state") ? params_["random_state"].get<uint64_t>() : 0;
    const int64_t n = X.rows;
    const size_t p = X.names.size();
    std::vector<int64_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    std::vector<uint8_t> bins;
    const Binner binner = BinFeatures(X, all, params_["max_bins"].get<int>(), seed, &bins);

    // Row weights from class_weight (scikit-learn multiplies them into the bootstrap counts).
    std::vector<double> row_weight;
    if (classifier_) {
      row_weight = RowWeights(
          ClassWeights(kind(), params_.value("class_weight", Json()), ClassNames(), y), y);
      double total = 0;
      for (double w : row_weight) total += w;
      if (!row_weight.empty() && !(total > 0))
        Fail(ErrorCode::kInvalidInput, kind() + ": class_weight gives every training row weight 0");
    }
    const ForestSettings settings{classifier_, classifier_ ? static_cast<int>(Classes()) : 0,
                                  params_.contains("max_depth") ? params_["max_depth"].get<int64_t>() : -1,
                                  params_["min_samples_split"].get<int64_t>(),
                                  params_["min_samples_leaf"].get<int64_t>(), MaxFeatures(p),
                                  params_["min_weight_fraction_leaf"].get<double>()};
    const int64_t trees = params_["n_estimators"].get<int64_t>();
    const int64_t draws = Draws(n);
    const bool bootstrap = params_["bootstrap"].get<bool>();

    // Each tree from its own seed, on whichever thread: the same model on any number of threads.
    std::vector<GrownTree> grown(trees);
    using Range = tbb::blocked_range<int64_t>;
    tbb::parallel_for(Range(0, trees, 1), [&](const Range& r) {
      for (int64_t t = r.begin(); t < r.end(); ++t) {
        TreeBuilder builder(binner, bins, n, settings);  // nothing carried from tree to tree
        uint64_t state = seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(t) * 0xD1B54A32D192ED03ULL;
        SplitMix64(&state);
        std::vector<Sample> samples = Samples(y, row_weight, bootstrap, draws, &state);
        grown[t] = builder.Grow(std::move(samples), &state);
      }
    });

    TreeEnsemble ensemble;
    ensemble.n_features = static_cast<int64_t>(p);
    ensemble.n_outputs = static_cast<int32_t>(n_outputs());
    ensemble.base_score.assign(ensemble.n_outputs, 0.0);
    ensemble.link = TreeLink::kAverage;
    ensemble.compare = SplitCompare::kLessEqual;
    int64_t leaves = 0, depth_sum = 0;
    for (GrownTree& g : grown) {
      leaves += g.leaves;
      depth_sum += g.depth;
      // One tree per output (a multiclass forest's tree as k trees of the same structure).
      for (int32_t c = 0; c < ensemble.n_outputs; ++c) {
        Tree tree;
        tree.group = c;
        tree.nodes = g.nodes;
        for (size_t i = 0; i < tree.nodes.size(); ++i)
          if (tree.nodes[i].is_leaf()) tree.nodes[i].value = g.values[i * ensemble.n_outputs + c];
        ensemble.trees.push_back(std::move(tree));
      }
      g = GrownTree();
    }
    ensemble_ = std::move(ensemble);
    fitted_ = true;
    fit_info_ = {{"trees", trees},
                 {"mean_depth", static_cast<double>(depth_sum) / static_cast<double>(trees)},
                 {"leaves", leaves},
                 {"max_features", settings.max_features},
                 {"rows_per_tree", draws},
                 {"train_rows", n}};
  }

  // The binned features and row weights; per tree being grown (one per thread) its rows and
  // draw counts; the fitted trees (about two nodes per leaf, a leaf per min_samples_leaf of a
  // tree's distinct rows, about 63% of its draws, or fewer with max_depth), one copy per
  // output.
  int64_t FitBytes(int64_t rows, int64_t features) const override {
    const int64_t threads = tbb::this_task_arena::max_concurrency();
    const int64_t draws = Draws(rows);
    const int64_t distinct = params_["bootstrap"].get<bool>() ? draws * 2 / 3 + 1 : rows;
    int64_t leaves = distinct / params_["min_samples_leaf"].get<int64_t>() + 1;
    if (params_.contains("max_depth") && params_["max_depth"].get<int64_t>() < 40)
      leaves = std::min<int64_t>(leaves, int64_t{1} << params_["max_depth"].get<int64_t>());
    const int64_t outputs = n_outputs();
    const int64_t tree_bytes = 2 * leaves * static_cast<int64_t>(sizeof(TreeNode) + 8) * outputs;
    return rows * features + rows * 16 + threads * (rows * 4 + distinct * static_cast<int64_t>(sizeof(Sample))) +
           params_["n_estimators"].get<int64_t>() * tree_bytes;
  }

  void Predict(const Features& X, double* out) const override {
    if (!fitted_) Fail(ErrorCode::kModel, kind() + ": Predict called before Fit or LoadState");
    // A matrix larger than a predict batch (fit's own scores) is scored on the threads of the
    // task arena it is called in; a predict batch on the calling thread.
    const int threads = X.rows > kParallelScoreRows ? tbb::this_task_arena::max_concurrency() : 1;
    ensemble_.Predict(X, out, threads);
  }

  Json SaveState() const override { return TreeEnsembleToJson(ensemble_); }

  // A forest's state: link "average", compare "<=", base score 0, one output (a regressor, or
  // a binary classifier's P(class 1)) or one per class (3 or more), each with at least one
  // tree; a classifier's leaf values are probabilities.
  void LoadState(const Json& state) override {
    TreeEnsemble e = TreeEnsembleFromJson(kind(), state);
    const bool outputs_ok = e.n_outputs == 1 || (classifier_ && e.n_outputs > 2);
    if (!outputs_ok || e.link != TreeLink::kAverage || e.compare != SplitCompare::kLessEqual) {
      Fail(ErrorCode::kModel, "state: " + kind() + " has link \"" + LinkName(TreeLink::kAverage) + "\", compare \"" +
                                  CompareName(SplitCompare::kLessEqual) + "\" and " +
                                  (classifier_ ? "one output (two classes) or one per class (three or more)"
                                               : "one output") +
                                  "; the file gives " + std::to_string(e.n_outputs) + " outputs, \"" +
                                  LinkName(e.link) + "\" and \"" + CompareName(e.compare) + "\"");
    }
    CheckAveragedTrees(e, classifier_, kind());
    if (classifier_) {
      const int64_t k = e.n_outputs == 1 ? 2 : e.n_outputs;
      classes_.clear();
      for (int64_t c = 0; c < k; ++c) classes_.push_back(std::to_string(c));
    }
    ensemble_ = std::move(e);
    fitted_ = true;
  }

  Json FitInfo() const override { return fit_info_; }
  void LoadFitInfo(const Json& info) override { fit_info_ = info; }

 private:
  int64_t Classes() const { return classes_.empty() ? 2 : static_cast<int64_t>(classes_.size()); }
  std::vector<std::string> ClassNames() const { return classes_.empty() ? std::vector<std::string>{"0", "1"} : classes_; }

  // NaN features are allowed (they get a bin of their own); the target must be finite, and a
  // class index with every class present for a classifier.
  void CheckInputs(const Features& X, const std::vector<double>& y) const {
    const size_t p = X.names.size();
    if (X.rows < 0 || X.values.size() != static_cast<size_t>(X.rows) * p)
      Fail(ErrorCode::kInvalidInput, kind() + ": features hold " + std::to_string(X.values.size()) +
                                         " values, expected rows x features = " + std::to_string(X.rows) +
                                         " x " + std::to_string(p));
    if (X.rows == 0) Fail(ErrorCode::kInvalidInput, kind() + ": cannot fit on zero rows");
    if (X.rows >= (int64_t{1} << 32))
      Fail(ErrorCode::kInvalidInput, kind() + ": cannot fit on 2^32 rows or more, got " + std::to_string(X.rows));
    if (y.size() != static_cast<size_t>(X.rows))
      Fail(ErrorCode::kInvalidInput,
           kind() + ": " + std::to_string(y.size()) + " target values for " + std::to_string(X.rows) + " rows");
    for (size_t i = 0; i < y.size(); ++i)
      if (!std::isfinite(y[i]))
        Fail(ErrorCode::kInvalidInput,
             kind() + ": the target is missing or infinite at row " + std::to_string(i) + "; drop or fill those rows");
    if (classifier_) CheckClassLabels(kind(), y, Classes());
    if (params_["max_features"].is_number_integer() && params_["max_features"].get<int64_t>() > static_cast<int64_t>(p) &&
        p > 0)
      Fail(ErrorCode::kInvalidInput, kind() + ": max_features = " + params_["max_features"].dump() +
                                         " is more than the " + std::to_string(p) +
                                         " features; give at most that many, or a fraction such as 0.5");
    if (params_.contains("max_samples") && params_["max_samples"].is_number_integer() &&
        params_["max_samples"].get<int64_t>() > X.rows)
      Fail(ErrorCode::kInvalidInput, kind() + ": max_samples = " + params_["max_samples"].dump() +
                                         " is more than the " + std::to_string(X.rows) +
                                         " training rows; give at most that many, or a fraction such as 0.5");
  }

  // Features tried per node, as scikit-learn resolves max_features.
  int64_t MaxFeatures(size_t p) const {
    if (p == 0) return 0;
    const Json& mf = params_["max_features"];
    const double features = static_cast<double>(p);
    int64_t m;
    if (mf == "sqrt") {
      m = static_cast<int64_t>(std::sqrt(features));
    } else if (mf == "log2") {
      m = static_cast<int64_t>(std::log2(features));
    } else if (mf.is_number_integer()) {
      m = mf.get<int64_t>();
    } else {
      m = static_cast<int64_t>(mf.get<double>() * features);
    }
    return std::clamp<int64_t>(m, 1, static_cast<int64_t>(p));
  }

  // Rows drawn per tree: all of them, or max_samples (a count, or a fraction rounded as
  // scikit-learn's round(), at least 1).
  int64_t Draws(int64_t rows) const {
    if (!params_.contains("max_samples")) return rows;
    const Json& ms = params_["max_samples"];
    if (ms.is_number_integer()) return std::min(rows, ms.get<int64_t>());
    return std::max<int64_t>(1, static_cast<int64_t>(std::nearbyint(ms.get<double>() * static_cast<double>(rows))));
  }

  // A tree's rows: `draws` rows drawn with replacement (each weighing the times it was drawn
  // times its class weight), or every row once; rows of weight 0 are left out.
  std::vector<Sample> Samples(const std::vector<double>& y, const std::vector<double>& row_weight, bool bootstrap,
                              int64_t draws, uint64_t* state) const {
    const int64_t n = static_cast<int64_t>(y.size());
    std::vector<uint32_t> counts;
    if (bootstrap) {
      counts.assign(n, 0);
      for (int64_t d = 0; d < draws; ++d) ++counts[Below(state, static_cast<uint64_t>(n))];
    }
    std::vector<Sample> samples;
    samples.reserve(bootstrap ? std::min(n, draws) : n);
    for (int64_t i = 0; i < n; ++i) {
      const double w = (bootstrap ? counts[i] : 1.0) * (row_weight.empty() ? 1.0 : row_weight[i]);
      if (w <= 0) continue;
      samples.push_back({static_cast<uint32_t>(i), classifier_ ? static_cast<uint32_t>(y[i]) : 0u, y[i], w});
    }
    return samples;
  }

  Json params_;
  bool classifier_;
  std::vector<std::string> classes_;  // classifier: from SetClasses or LoadState; empty: two
  TreeEnsemble ensemble_;
  bool fitted_ = false;
  Json fit_info_ = Json::object();
};

// A k-class forest holds each fitted tree as k trees in a row, groups 0..k-1, of one
// structure, whose leaves hold the class fractions: they sum to 1, so that every row's
// probabilities do.
void CheckClassTuples(const TreeEnsemble& e, const std::string& kind) {
  const size_t k = static_cast<size_t>(e.n_outputs);
  auto bad = [&](size_t t, const std::string& why) {
    Fail(ErrorCode::kModel, "state.trees[" + std::to_string(t) + "]: " + why + " (" + kind + ")");
  };
  if (e.trees.size() % k != 0)
    bad(e.trees.size() - 1, "a forest of " + std::to_string(k) + " classes holds its trees in groups of " +
                                std::to_string(k) + ", one per class; there are " + std::to_string(e.trees.size()));
  for (size_t first = 0; first < e.trees.size(); first += k) {
    const Tree& shape_tree = e.trees[first];
    const std::vector<TreeNode>& shape = shape_tree.nodes;
    for (size_t c = 0; c < k; ++c) {
      const Tree& tree = e.trees[first + c];
      if (tree.group != static_cast<int32_t>(c))
        bad(first + c, "group must be " + std::to_string(c) + " (the class of its place in its group of trees)");
      if (tree.nodes.size() != shape.size()) bad(first + c, "not the structure of trees[" + std::to_string(first) + "]");
      for (size_t i = 0; i < shape.size(); ++i) {
        const TreeNode& a = shape[i];
        const TreeNode& b = tree.nodes[i];
        if (a.feature != b.feature || a.left != b.left || a.right != b.right || a.missing_left != b.missing_left ||
            (!a.is_leaf() && a.threshold != b.threshold) || a.is_categorical() != b.is_categorical() ||
            (a.is_categorical() && !(shape_tree.categories[a.categories] == tree.categories[b.categories])))
          bad(first + c, "not the structure of trees[" + std::to_string(first) + "]");
      }
    }
    for (size_t i = 0; i < shape.size(); ++i) {
      if (!shape[i].is_leaf()) continue;
      double sum = 0;
      for (size_t c = 0; c < k; ++c) sum += e.trees[first + c].nodes[i].value;
      if (!(std::abs(sum - 1) <= 1e-9))
        bad(first, "the class fractions of leaf " + std::to_string(i) + " sum to " + std::to_string(sum) + ", not 1");
    }
  }
}

}  // namespace

void CheckAveragedTrees(const TreeEnsemble& e, bool classifier, const std::string& kind) {
  // The prediction is the trees' average: a base score would shift a classifier's
  // probabilities out of [0, 1] (Fit writes 0).
  for (size_t c = 0; c < e.base_score.size(); ++c)
    if (e.base_score[c] != 0)
      Fail(ErrorCode::kModel, "state.base_score[" + std::to_string(c) + "]: a forest's base score is 0 (its "
                              "prediction is the average of its trees), got " + std::to_string(e.base_score[c]) +
                              " (" + kind + ")");
  std::vector<int64_t> per_output(e.n_outputs, 0);
  for (size_t t = 0; t < e.trees.size(); ++t) {
    ++per_output[e.trees[t].group];
    if (!classifier) continue;
    for (size_t i = 0; i < e.trees[t].nodes.size(); ++i) {
      const TreeNode& node = e.trees[t].nodes[i];
      if (node.is_leaf() && !(node.value >= 0 && node.value <= 1))
        Fail(ErrorCode::kModel, "state.trees[" + std::to_string(t) + "].value[" + std::to_string(i) +
                                    "]: a class probability must be in [0, 1], got " + std::to_string(node.value) +
                                    " (" + kind + ")");
    }
  }
  for (int32_t c = 0; c < e.n_outputs; ++c)
    if (per_output[c] == 0) Fail(ErrorCode::kModel, "state.trees: output " + std::to_string(c) + " has no tree (" + kind + ")");
  if (classifier && e.n_outputs > 2) CheckClassTuples(e, kind);
}


std::unique_ptr<Estimator> MakeRandomForestRegressor(const Json& params) {
  return std::make_unique<RandomForest>(params, false);
}

std::unique_ptr<Estimator> MakeRandomForestClassifier(const Json& params) {
  return std::make_unique<RandomForest>(params, true);
}

}  // namespace outcore
