#include "pipeline/estimators/gradient_boosting.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "core/random.h"
#include "pipeline/estimators/binning.h"
#include "pipeline/estimators/class_weight.h"
#include "pipeline/estimators/linear_model.h"
#include "outcore/error.h"
#include "pipeline/estimators/row_blocks.h"
#include "pipeline/estimators/tree_ensemble.h"

namespace outcore {

namespace {

// scikit-learn's fixed settings of HistGradientBoosting: the least hessian a child may have,
// and the number of training rows above which early_stopping = "auto" turns on.
constexpr double kMinHessianToSplit = 1e-3;
constexpr int64_t kAutoEarlyStoppingRows = 10000;
// A node's rows are split in chunks of this many for its histogram: each chunk's histogram is
// built on its own (in parallel) and the chunks are summed in order, so the sums do not depend
// on the number of threads.
constexpr int64_t kHistChunk = int64_t{1} << 16;
// Rows above which Predict scores on several threads (predict's batches are at most 65,536).
constexpr int64_t kParallelScoreRows = 1 << 17;

enum class Loss { kSquaredError, kLogLoss };

struct HistBin {
  double g = 0, h = 0;
  int64_t count = 0;
};

// One histogram per feature, kHistBins each.
using Histogram = std::vector<HistBin>;

// The best split of a node.
struct Split {
  bool valid = false;
  double gain = 0;
  int32_t feature = -1;
  int bin = 0;  // bins <= bin go left
  bool missing_left = false;
  double g_left = 0, h_left = 0;
  int64_t n_left = 0;
};

// A leaf that may still be split: its rows are order[begin, end).
struct OpenNode {
  int32_t id;
  int64_t begin, end;
  double g, h;
  int depth;
  Histogram hist;
  Split split;
};

struct GrowSettings {
  double learning_rate, l2;
  int64_t max_leaf_nodes, max_depth, min_samples_leaf;  // max_depth < 0: none
};

class TreeGrower {
 public:
  TreeGrower(const Binner& binner, const std::vector<uint8_t>& bins, int64_t rows, const GrowSettings& s)
      : binner_(binner), bins_(bins), rows_(rows), p_(binner.edges.size()), s_(s) {}

  // Grows one tree on the gradients g and hessians h of the training rows, and adds its leaf
  // values to `raw`.
  Tree Grow(const std::vector<double>& g, const std::vector<double>& h, std::vector<double>* raw) {
    g_ = &g;
    h_ = &h;
    order_.resize(rows_);
    std::iota(order_.begin(), order_.end(), 0u);
    tree_ = Tree();
    tree_.nodes.emplace_back();
    leaves_.clear();
    OpenNode root{0, 0, rows_, 0, 0, 0, Histogram(), Split()};
    root.hist = Build(0, rows_);
    const std::vector<double> sums = SumRowBlocks(rows_, 2, [&](int64_t begin, int64_t end, double* acc) {
      for (int64_t i = begin; i < end; ++i) acc[0] += g[i], acc[1] += h[i];
    });
    root.g = sums[0], root.h = sums[1];
    std::vector<OpenNode> open;
    Consider(std::move(root), &open);
    int64_t n_leaves = 1;
    while (!open.empty()) {
      // The open node of largest gain (the first made on a tie).
      auto best = std::max_element(open.begin(), open.end(), [](const OpenNode& a, const OpenNode& b) {
        return a.split.gain < b.split.gain || (a.split.gain == b.split.gain && a.id > b.id);
      });
      OpenNode node = std::move(*best);
      open.erase(best);
      // The split that makes the last leaf allowed needs no histograms for its children.
      SplitNode(std::move(node), ++n_leaves >= s_.max_leaf_nodes, &open);
      if (n_leaves >= s_.max_leaf_nodes) {
        for (auto& n : open) Finish(n);
        open.clear();
      }
    }
    // Each leaf's rows get its value (leaves hold disjoint rows: any order, any thread).
    using Range = tbb::blocked_range<size_t>;
    tbb::parallel_for(Range(0, leaves_.size(), 1), [&](const Range& r) {
      for (size_t l = r.begin(); l < r.end(); ++l)
        for (int64_t k = leaves_[l].begin; k < leaves_[l].end; ++k) (*raw)[order_[k]] += leaves_[l].value;
    });
    return std::move(tree_);
  }

 private:
  // The histograms of rows order[begin, end).
  Histogram Build(int64_t begin, int64_t end) {
    const int64_t chunks = std::max<int64_t>(1, (end - begin + kHistChunk - 1) / kHistChunk);
    const size_t p = p_;
    Histogram out(p * kHistBins);
    std::vector<HistBin> scratch(chunks > 1 ? chunks * p * kHistBins : 0);
    const uint32_t* order = order_.data();
    using Range = tbb::blocked_range<int64_t>;
    // The node's gradients and hessians in its row order, gathered once (as scikit-learn's
    // ordered gradients): each feature's pass then reads them in sequence. The root's rows are
    // in their own order already.
    const bool in_order = begin == 0 && end == rows_;
    if (!in_order && ordered_.size() < static_cast<size_t>(2 * (end - begin))) ordered_.resize(2 * (end - begin));
    double* ordered = ordered_.data();
    if (!in_order) {
      tbb::parallel_for(Range(begin, end, kHistChunk), [&](const Range& r) {
        for (int64_t k = r.begin(); k < r.end(); ++k) {
          ordered[2 * (k - begin)] = (*g_)[order[k]];
          ordered[2 * (k - begin) + 1] = (*h_)[order[k]];
        }
      });
    }
    const double* g = g_->data();
    const double* h = h_->data();
    tbb::parallel_for(Range(0, chunks * static_cast<int64_t>(p), 1), [&](const Range& r) {
      for (int64_t t = r.begin(); t < r.end(); ++t) {
        const int64_t c = t / static_cast<int64_t>(p);
        const size_t f = static_cast<size_t>(t % static_cast<int64_t>(p));
        HistBin* hist = chunks > 1 ? scratch.data() + (c * p + f) * kHistBins : out.data() + f * kHistBins;
        const uint8_t* col = bins_.data() + f * rows_;
        const int64_t from = begin + c * kHistChunk, to = std::min(end, from + kHistChunk);
        if (in_order) {
          for (int64_t i = from; i < to; ++i) {
            HistBin& b = hist[col[i]];
            b.g += g[i];
            b.h += h[i];
            b.count += 1;
          }
          continue;
        }
        const double* gh = ordered + 2 * (from - begin);
        for (int64_t k = from; k < to; ++k, gh += 2) {
          HistBin& b = hist[col[order[k]]];
          b.g += gh[0];
          b.h += gh[1];
          b.count += 1;
        }
      }
    });
    for (int64_t c = 0; c < chunks && chunks > 1; ++c)
      for (size_t i = 0; i < out.size(); ++i) {
        const HistBin& s = scratch[c * p * kHistBins + i];
        out[i].g += s.g, out[i].h += s.h, out[i].count += s.count;
      }
    return out;
  }

  double Value(double g, double h) const { return h + s_.l2 > 0 ? -g / (h + s_.l2) : 0.0; }
  // What a node of these sums contributes to the gain: G^2 / (H + l2).
  double Score(double g, double h) const { return -g * Value(g, h); }

  // The best split of one feature, scanning bins left to right with missing values going
  // right, then (if the feature had missing values) right to left with them going left.
  Split BestSplitOf(const OpenNode& node, size_t f) const {
    const HistBin* hist = node.hist.data() + f * kHistBins;
    int64_t count = 0;
    for (int b = 0; b < kHistBins; ++b) count += hist[b].count;
    const double parent = Score(node.g, node.h);
    const int bins = binner_.bins(f);
    const bool missing = binner_.has_missing[f];
    const int64_t msl = s_.min_samples_leaf;
    Split best;
    auto consider = [&](double gl, double hl, int64_t nl, int bin, bool missing_left) {
      const double gr = node.g - gl, hr = node.h - hl;
      const int64_t nr = count - nl;
      if (nl < msl || nr < msl || hl < kMinHessianToSplit || hr < kMinHessianToSplit) return;
      const double gain = Score(gl, hl) + Score(gr, hr) - parent;
      if (gain > 0 && (!best.valid || gain > best.gain)) {
        best = {true, gain, static_cast<int32_t>(f), bin, missing_left, gl, hl, nl};
      }
    };
    double gl = 0, hl = 0;
    int64_t nl = 0;
    for (int b = 0; b < bins - 1 + (missing ? 1 : 0); ++b) {
      gl += hist[b].g, hl += hist[b].h, nl += hist[b].count;
      consider(gl, hl, nl, b, false);
    }
    if (missing) {
      double gr = 0, hr = 0;
      int64_t nr = 0;
      for (int b = bins - 1; b >= 1; --b) {
        gr += hist[b].g, hr += hist[b].h, nr += hist[b].count;
        consider(node.g - gr, node.h - hr, count - nr, b - 1, true);
      }
    }
    // Without missing values at fit, a missing value goes where most training rows went.
    if (best.valid && !missing) best.missing_left = best.n_left > count - best.n_left;
    return best;
  }

  Split BestSplit(const OpenNode& node) const {
    std::vector<Split> per_feature(p_);
    using Range = tbb::blocked_range<size_t>;
    tbb::parallel_for(Range(0, p_, 1), [&](const Range& r) {
      for (size_t f = r.begin(); f < r.end(); ++f) per_feature[f] = BestSplitOf(node, f);
    });
    Split best;
    for (const Split& s : per_feature)
      if (s.valid && (!best.valid || s.gain > best.gain)) best = s;
    return best;
  }

  // Makes `node` a leaf of the tree.
  void Finish(OpenNode& node) {
    const double value = s_.learning_rate * Value(node.g, node.h);
    tree_.nodes[node.id].value = value;
    leaves_.push_back({node.begin, node.end, value});
    node.hist = Histogram();
  }

  // Opens `node` if it may be split and has a split with positive gain, else finishes it.
  void Consider(OpenNode node, std::vector<OpenNode>* open) {
    const int64_t n = node.end - node.begin;
    const bool may_split = n >= 2 * s_.min_samples_leaf && node.h >= 2 * kMinHessianToSplit &&
                           (s_.max_depth < 0 || node.depth < s_.max_depth) && node.depth < kMaxTreeDepth;
    if (may_split) node.split = BestSplit(node);
    if (!node.split.valid) {
      Finish(node);
      return;
    }
    open->push_back(std::move(node));
  }

  // Partitions rows order[begin, end) as split `s` says, keeping their order on each side
  // (so every node's rows stay in increasing order); returns where the right side starts.
  // Branch-free: each row is written to both sides and only its side's count moves on. A
  // large node is cut in chunks partitioned in parallel, then joined: the same result.
  int64_t Partition(int64_t begin, int64_t end, const Split& s) {
    const uint8_t* col = bins_.data() + static_cast<size_t>(s.feature) * rows_;
    const int bin = s.bin;
    const bool missing_left = s.missing_left;
    uint32_t* order = order_.data();
    uint32_t* right = right_.data();
    // Partitions [from, to): the left rows in place from `from`, the right ones to right[from..].
    auto part = [&](int64_t from, int64_t to) {
      int64_t nl = from, nr = from;
      for (int64_t k = from; k < to; ++k) {
        const uint32_t i = order[k];
        const uint8_t b = col[i];
        const bool left = b == kMissingBin ? missing_left : b <= bin;
        order[nl] = i;
        right[nr] = i;
        nl += left;
        nr += !left;
      }
      return nl - from;
    };
    const int64_t chunks = (end - begin + kHistChunk - 1) / kHistChunk;
    if (chunks <= 2) {
      const int64_t lefts = part(begin, end);
      std::copy(right + begin, right + (end - begin - lefts) + begin, order + begin + lefts);
      return begin + lefts;
    }
    std::vector<int64_t> lefts(chunks);
    using Range = tbb::blocked_range<int64_t>;
    tbb::parallel_for(Range(0, chunks, 1), [&](const Range& r) {
      for (int64_t c = r.begin(); c < r.end(); ++c)
        lefts[c] = part(begin + c * kHistChunk, std::min(end, begin + (c + 1) * kHistChunk));
    });
    // Chunk c's left rows go after the left rows of the chunks before it, its right rows after
    // every left row and the right rows before them. The left rows are gathered into right_'s
    // free tail first, since moving them in place could overwrite rows not yet moved.
    std::vector<int64_t> left_at(chunks + 1, 0), right_at(chunks + 1, 0);
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t size = std::min(end, begin + (c + 1) * kHistChunk) - (begin + c * kHistChunk);
      left_at[c + 1] = left_at[c] + lefts[c];
      right_at[c + 1] = right_at[c] + size - lefts[c];
    }
    const int64_t total_left = left_at[chunks];
    uint32_t* staged = staged_.data();
    tbb::parallel_for(Range(0, chunks, 1), [&](const Range& r) {
      for (int64_t c = r.begin(); c < r.end(); ++c) {
        const int64_t from = begin + c * kHistChunk;
        std::copy(order + from, order + from + lefts[c], staged + begin + left_at[c]);
      }
    });
    tbb::parallel_for(Range(0, chunks, 1), [&](const Range& r) {
      for (int64_t c = r.begin(); c < r.end(); ++c) {
        const int64_t from = begin + c * kHistChunk;
        std::copy(right + from, right + from + (right_at[c + 1] - right_at[c]), order + begin + total_left + right_at[c]);
        std::copy(staged + begin + left_at[c], staged + begin + left_at[c + 1], order + begin + left_at[c]);
      }
    });
    return begin + total_left;
  }

  // Splits `node` as its split says; its children become leaves if `last`, else are considered.
  void SplitNode(OpenNode node, bool last, std::vector<OpenNode>* open) {
    const Split& s = node.split;
    const size_t f = static_cast<size_t>(s.feature);
    const int64_t mid = Partition(node.begin, node.end, s);
    const int32_t left_id = static_cast<int32_t>(tree_.nodes.size());
    tree_.nodes.emplace_back();
    tree_.nodes.emplace_back();
    TreeNode& t = tree_.nodes[node.id];
    t.feature = s.feature;
    t.missing_left = s.missing_left;
    t.threshold = binner_.Threshold(f, s.bin);
    t.left = left_id;
    t.right = left_id + 1;

    OpenNode left{left_id, node.begin, mid, s.g_left, s.h_left, node.depth + 1, Histogram(), Split()};
    OpenNode right_node{left_id + 1, mid, node.end, node.g - s.g_left, node.h - s.h_left, node.depth + 1,
                        Histogram(), Split()};
    if (last) {
      Finish(left);
      Finish(right_node);
      return;
    }
    // The subtraction trick: build the smaller child's histograms, the sibling's are the
    // parent's minus those.
    OpenNode& small = mid - node.begin <= node.end - mid ? left : right_node;
    OpenNode& large = &small == &left ? right_node : left;
    small.hist = Build(small.begin, small.end);
    large.hist = std::move(node.hist);
    for (size_t i = 0; i < large.hist.size(); ++i) {
      large.hist[i].g -= small.hist[i].g;
      large.hist[i].h -= small.hist[i].h;
      large.hist[i].count -= small.hist[i].count;
    }
    Consider(std::move(left), open);
    Consider(std::move(right_node), open);
  }

  struct LeafRows {
    int64_t begin, end;
    double value;
  };

  const Binner& binner_;
  const std::vector<uint8_t>& bins_;  // column-major, rows_ per feature
  int64_t rows_;
  size_t p_;
  GrowSettings s_;
  const std::vector<double>* g_ = nullptr;
  const std::vector<double>* h_ = nullptr;
  std::vector<uint32_t> order_;
  std::vector<uint32_t> right_ = std::vector<uint32_t>(rows_), staged_ = std::vector<uint32_t>(rows_);
  std::vector<double> ordered_;  // a node's gradients and hessians in its row order
  Tree tree_;
  std::vector<LeafRows> leaves_;
};

inline double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// Raw scores of the training or validation rows: raw[c][i] is output c of row i.
using OutputScores = std::vector<std::vector<double>>;

// The mean loss of raw scores: half squared error, the binary log loss (one output) or the
// multinomial log loss (k outputs); weighted by the row weights w unless w is empty.
double MeanLoss(Loss loss, const std::vector<double>& y, const OutputScores& raw, const std::vector<double>& w) {
  const size_t outputs = raw.size();
  double sum = 0, total = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    double l;
    if (loss == Loss::kSquaredError) {
      l = 0.5 * (y[i] - raw[0][i]) * (y[i] - raw[0][i]);
    } else if (outputs == 1) {  // log(1 + exp(-m)) for the margin m = (2y - 1) raw
      const double m = (y[i] > 0.5 ? 1.0 : -1.0) * raw[0][i];
      l = (m >= 0 ? 0.0 : -m) + std::log1p(std::exp(-std::abs(m)));
    } else {  // log(sum_c exp(raw_c)) - raw_y
      double top = raw[0][i];
      for (size_t c = 1; c < outputs; ++c) top = std::max(top, raw[c][i]);
      double s = 0;
      for (size_t c = 0; c < outputs; ++c) s += std::exp(raw[c][i] - top);
      l = top + std::log(s) - raw[static_cast<size_t>(y[i])][i];
    }
    if (w.empty()) {
      sum += l;
    } else {
      sum += w[i] * l;
      total += w[i];
    }
  }
  if (w.empty()) return y.empty() ? 0.0 : sum / static_cast<double>(y.size());
  return total > 0 ? sum / total : 0.0;
}

class GradientBoosting final : public Estimator {
 public:
  GradientBoosting(const Json& params, bool classifier)
      : params_(params), classifier_(classifier), loss_(classifier ? Loss::kLogLoss : Loss::kSquaredError) {}

  std::string kind() const override {
    return classifier_ ? "gradient_boosting_classifier" : "gradient_boosting_regressor";
  }
  Json params() const override { return params_; }
  bool is_classifier() const override { return classifier_; }

  // A classifier learns two or more classes: k > 2 classes take one tree per class and
  // iteration and k outputs (softmax); two classes, one tree and P(class 1) (sigmoid).
  void SetClasses(const std::vector<std::string>& classes) override {
    if (!classifier_) return Estimator::SetClasses(classes);
    if (classes.size() < 2 || static_cast<int64_t>(classes.size()) > kMaxClasses)
      Fail(ErrorCode::kInvalidInput, kind() + ": the target has " + std::to_string(classes.size()) +
                                         " classes; a classifier needs 2 to " + std::to_string(kMaxClasses));
    classes_ = classes;
  }
  int64_t n_outputs() const override { return Outputs(); }

  void Fit(const Features& X, const std::vector<double>& y) override {
    CheckInputs(X, y);
    const uint64_t seed = params_.contains("random_state") ? params_["random_state"].get<uint64_t>() : 0;
    const bool early_stopping = EarlyStopping(X.rows);
    // class_weight weighs the rows of each class (from every row's class, before the split).
    const std::vector<double> weights =
        classifier_ ? RowWeights(ClassWeights(kind(), params_.value("class_weight", Json()), classes_, y), y)
                    : std::vector<double>();
    // Held-out rows for early stopping (stratified for a classifier), the rest to train on.
    std::vector<int64_t> train_rows, validation_rows;
    SplitRows(y, early_stopping, seed, &train_rows, &validation_rows);
    const int64_t n = static_cast<int64_t>(train_rows.size());
    const size_t p = X.names.size();
    const size_t outputs = static_cast<size_t>(Outputs());
    std::vector<double> y_train(n), w_train(weights.empty() ? 0 : n);
    for (int64_t k = 0; k < n; ++k) y_train[k] = y[train_rows[k]];
    for (int64_t k = 0; k < n && !weights.empty(); ++k) w_train[k] = weights[train_rows[k]];
    if (!weights.empty() && std::accumulate(w_train.begin(), w_train.end(), 0.0) <= 0)
      Fail(ErrorCode::kInvalidInput, kind() + ": class_weight gives every training row the weight 0");

    std::vector<uint8_t> bins;
    const Binner binner = BinFeatures(X, train_rows, params_["max_bins"].get<int>(), seed, &bins);

    const std::vector<double> baseline = Baseline(y_train, w_train);
    TreeEnsemble ensemble;
    ensemble.n_features = static_cast<int64_t>(p);
    ensemble.n_outputs = static_cast<int32_t>(outputs);
    ensemble.base_score = baseline;
    ensemble.link = Link(outputs);
    ensemble.compare = SplitCompare::kLessEqual;

    Features validation;
    std::vector<double> y_validation, w_validation;
    OutputScores raw_validation(outputs);
    if (early_stopping) {
      validation.rows = static_cast<int64_t>(validation_rows.size());
      validation.names = X.names;
      validation.values.resize(validation_rows.size() * p);
      for (size_t f = 0; f < p; ++f)
        for (int64_t k = 0; k < validation.rows; ++k) validation.col(f)[k] = X.col(f)[validation_rows[k]];
      for (int64_t i : validation_rows) y_validation.push_back(y[i]);
      for (int64_t i : validation_rows)
        if (!weights.empty()) w_validation.push_back(weights[i]);
      for (size_t c = 0; c < outputs; ++c) raw_validation[c].assign(validation.rows, baseline[c]);
    }

    GrowSettings settings{params_["learning_rate"].get<double>(), params_["l2_regularization"].get<double>(),
                          params_["max_leaf_nodes"].get<int64_t>(),
                          params_.contains("max_depth") ? params_["max_depth"].get<int64_t>() : -1,
                          params_["min_samples_leaf"].get<int64_t>()};
    TreeGrower grower(binner, bins, n, settings);
    OutputScores raw(outputs), g(outputs, std::vector<double>(n)), h(outputs, std::vector<double>(n));
    for (size_t c = 0; c < outputs; ++c) raw[c].assign(n, baseline[c]);
    const int64_t max_iter = params_["max_iter"].get<int64_t>();
    const int64_t n_iter_no_change = params_["n_iter_no_change"].get<int64_t>();
    const double tol = params_["tol"].get<double>();
    std::vector<double> scores;  // minus the validation loss, from the baseline on
    if (early_stopping) scores.push_back(-MeanLoss(loss_, y_validation, raw_validation, w_validation));
    int64_t iterations = 0, leaves = 0;
    bool stopped_early = false;
    while (iterations < max_iter) {
      // Every output's gradients from the raw scores before the iteration, then one tree per
      // output (scikit-learn's order).
      Gradients(y_train, raw, w_train, &g, &h);
      for (size_t c = 0; c < outputs; ++c) {
        ensemble.trees.push_back(grower.Grow(g[c], h[c], &raw[c]));
        ensemble.trees.back().group = static_cast<int32_t>(c);
        for (const TreeNode& node : ensemble.trees.back().nodes) leaves += node.is_leaf();
      }
      ++iterations;
      if (!early_stopping) continue;
      TreeEnsemble last;
      last.n_features = ensemble.n_features;
      last.n_outputs = ensemble.n_outputs;
      last.base_score.assign(outputs, 0.0);
      last.trees.assign(ensemble.trees.end() - static_cast<std::ptrdiff_t>(outputs), ensemble.trees.end());
      std::vector<double> added(validation.rows * outputs);
      last.RawScores(validation, added.data());
      for (size_t c = 0; c < outputs; ++c)
        for (int64_t k = 0; k < validation.rows; ++k) raw_validation[c][k] += added[k * outputs + c];
      scores.push_back(-MeanLoss(loss_, y_validation, raw_validation, w_validation));
      if (ShouldStop(scores, n_iter_no_change, tol)) {
        stopped_early = true;
        break;
      }
    }
    ensemble_ = std::move(ensemble);
    fitted_ = true;
    fit_info_ = {{"iterations", iterations},
                 {"trees", ensemble_.trees.size()},
                 {"leaves", leaves},
                 {"early_stopping", early_stopping},
                 {"stopped_early", stopped_early},
                 {"train_rows", n},
                 {"train_loss", MeanLoss(loss_, y_train, raw, w_train)}};
    if (early_stopping) {
      fit_info_["validation_rows"] = validation.rows;
      fit_info_["validation_loss"] = -scores.back();
    }
  }

  // The binned features, each output's gradients, hessians and raw scores, the targets, row
  // weights and row order, the histograms of the open leaves and the parallel chunks', and the
  // early-stopping rows' copy.
  int64_t FitBytes(int64_t rows, int64_t features) const override {
    const int64_t leaves = params_["max_leaf_nodes"].get<int64_t>() + 1;
    const int64_t hist = features * kHistBins * static_cast<int64_t>(sizeof(HistBin));
    const int64_t chunks = (rows + kHistChunk - 1) / kHistChunk;
    const int64_t per_row = (3 * Outputs() + 2) * 8 + 4 * 4 + (params_.value("class_weight", Json()).is_null() ? 0 : 16);
    return rows * features + rows * per_row + (leaves + chunks) * hist + rows * features * 8 / 10;
  }

  void Predict(const Features& X, double* out) const override {
    if (!fitted_) Fail(ErrorCode::kModel, kind() + ": Predict called before Fit or LoadState");
    // A matrix larger than a predict batch (fit's own scores, a big in-memory frame) is scored
    // on the threads of the task arena it is called in (fit's --threads); a predict batch, on
    // the calling thread, since predict already runs one batch per thread.
    const int threads = X.rows > kParallelScoreRows ? tbb::this_task_arena::max_concurrency() : 1;
    ensemble_.Predict(X, out, threads);
  }

  Json SaveState() const override { return TreeEnsembleToJson(ensemble_); }

  void LoadState(const Json& state) override {
    TreeEnsemble e = TreeEnsembleFromJson(kind(), state);
    // A regressor: one output, identity; a classifier: one output and sigmoid (two classes) or
    // k >= 3 outputs and softmax (k classes).
    const bool outputs_ok = e.n_outputs == 1 || (classifier_ && e.n_outputs >= 3 && e.n_outputs <= kMaxClasses);
    if (!outputs_ok || e.link != Link(static_cast<size_t>(e.n_outputs)) || e.compare != SplitCompare::kLessEqual) {
      const std::string forms = classifier_ ? "one output and link \"sigmoid\" (2 classes) or k = 3 to " +
                                                  std::to_string(kMaxClasses) + " outputs and link \"softmax\" (k classes)"
                                            : "one output and link \"identity\"";
      Fail(ErrorCode::kModel, "state: " + kind() + " has " + forms + ", compare \"" +
                                  CompareName(SplitCompare::kLessEqual) + "\"; the file gives " +
                                  std::to_string(e.n_outputs) + " outputs, \"" + LinkName(e.link) + "\" and \"" +
                                  CompareName(e.compare) + "\"");
    }
    if (classifier_) classes_ = ClassNames(e.n_outputs == 1 ? 2 : e.n_outputs);
    ensemble_ = std::move(e);
    fitted_ = true;
  }

  Json FitInfo() const override { return fit_info_; }
  void LoadFitInfo(const Json& info) override { fit_info_ = info; }

 private:
  // NaN features are allowed (they get a bin of their own); the target must be finite, and
  // 0 or 1 with both present for a binary classifier, every class index present for k classes.
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
    if (Outputs() > 1) {  // k > 2 classes
      for (size_t i = 0; i < y.size(); ++i)
        if (!std::isfinite(y[i]))
          Fail(ErrorCode::kInvalidInput, kind() + ": the target is missing or infinite at row " + std::to_string(i) +
                                             "; drop or fill those rows");
      CheckClassLabels(kind(), y, Outputs());
      return;
    }
    int64_t positives = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      if (!std::isfinite(y[i]))
        Fail(ErrorCode::kInvalidInput,
             kind() + ": the target is missing or infinite at row " + std::to_string(i) + "; drop or fill those rows");
      if (classifier_ && y[i] != 0.0 && y[i] != 1.0)
        Fail(ErrorCode::kInvalidInput,
             kind() + ": the target must be 0 or 1, got " + std::to_string(y[i]) + " at row " + std::to_string(i));
      positives += y[i] == 1.0;
    }
    if (classifier_ && (positives == 0 || positives == X.rows))
      Fail(ErrorCode::kInvalidInput, kind() + ": the target has only one class (all " + std::to_string(y.size()) +
                                         " rows are " + (positives == 0 ? "0" : "1") +
                                         "); a classifier needs rows of both 0 and 1");
  }

  bool EarlyStopping(int64_t rows) const {
    const Json& e = params_["early_stopping"];
    return e.is_boolean() ? e.get<bool>() : rows > kAutoEarlyStoppingRows;
  }

  // With early stopping, validation_fraction of the rows (rounded up; of each class for a
  // classifier) drawn at random are held out; the rest, in their order, are trained on.
  void SplitRows(const std::vector<double>& y, bool early_stopping, uint64_t seed, std::vector<int64_t>* train,
                 std::vector<int64_t>* validation) const {
    const int64_t rows = static_cast<int64_t>(y.size());
    std::vector<char> held(rows, 0);
    if (early_stopping) {
      const double fraction = params_["validation_fraction"].get<double>();
      uint64_t state = seed ^ 0x5EEDULL;
      std::vector<std::vector<int64_t>> groups(classifier_ ? classes_.size() : 1);
      for (int64_t i = 0; i < rows; ++i) groups[classifier_ ? static_cast<size_t>(y[i]) : 0].push_back(i);
      for (auto& group : groups) {
        const int64_t take = std::min<int64_t>(static_cast<int64_t>(group.size()) - 1,
                                               static_cast<int64_t>(std::ceil(fraction * group.size())));
        for (int64_t k = 0; k < take; ++k) {
          const int64_t j = k + static_cast<int64_t>(SplitMix64(&state) % static_cast<uint64_t>(group.size() - k));
          std::swap(group[k], group[j]);
          held[group[k]] = 1;
        }
      }
    }
    for (int64_t i = 0; i < rows; ++i) (held[i] ? validation : train)->push_back(i);
  }

  // The outputs of the model: k for k > 2 classes, else 1.
  int64_t Outputs() const { return classifier_ && classes_.size() > 2 ? static_cast<int64_t>(classes_.size()) : 1; }

  TreeLink Link(size_t outputs) const {
    if (!classifier_) return TreeLink::kIdentity;
    return outputs > 1 ? TreeLink::kSoftmax : TreeLink::kSigmoid;
  }

  // Classes named by their index, for a model loaded from a file (class_weight is a fit setting).
  static std::vector<std::string> ClassNames(int64_t k) {
    std::vector<std::string> names;
    for (int64_t c = 0; c < k; ++c) names.push_back(std::to_string(c));
    return names;
  }

  // The raw scores of the best constant model (scikit-learn's fit_intercept_only), weighted
  // by w unless it is empty: the mean; the log-odds of the (weighted) share of class 1; or the
  // symmetric multinomial logit of the class shares, log(share_c) - mean(log(share)).
  std::vector<double> Baseline(const std::vector<double>& y, const std::vector<double>& w) const {
    const double n = static_cast<double>(y.size());
    const size_t outputs = static_cast<size_t>(Outputs());
    if (outputs == 1) {
      double mean = 0;
      if (w.empty()) {
        for (double v : y) mean += v;
        mean /= n;
      } else {
        double total = 0;
        for (size_t i = 0; i < y.size(); ++i) mean += w[i] * y[i], total += w[i];
        mean /= total;
      }
      if (loss_ == Loss::kSquaredError) return {mean};
      const double eps = std::numeric_limits<double>::epsilon();
      const double share = std::clamp(mean, eps, 1 - eps);
      return {std::log(share / (1 - share))};
    }
    std::vector<double> share(outputs, 0.0);
    double total = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      const double weight = w.empty() ? 1.0 : w[i];
      share[static_cast<size_t>(y[i])] += weight;
      total += weight;
    }
    const double eps = std::numeric_limits<double>::epsilon();
    double mean_log = 0;
    for (double& s : share) {
      s = std::log(std::clamp(s / total, eps, 1 - eps));
      mean_log += s;
    }
    mean_log /= static_cast<double>(outputs);
    for (double& s : share) s -= mean_log;
    return share;
  }

  // Each output's gradients and hessians at the raw scores, times the row weights w unless w
  // is empty: squared error g = raw - y, h = 1; log loss g = p - y, h = p (1 - p) with p the
  // sigmoid; multinomial g_c = p_c - [y = c], h_c = p_c (1 - p_c) with p the softmax.
  void Gradients(const std::vector<double>& y, const OutputScores& raw, const std::vector<double>& w, OutputScores* g,
                 OutputScores* h) const {
    const int64_t n = static_cast<int64_t>(y.size());
    const size_t outputs = raw.size();
    ForEachRowBlock(n, [&](int64_t begin, int64_t end) {
      if (outputs > 1) {
        std::vector<double> e(outputs);
        for (int64_t i = begin; i < end; ++i) {
          double top = raw[0][i];
          for (size_t c = 1; c < outputs; ++c) top = std::max(top, raw[c][i]);
          double sum = 0;
          for (size_t c = 0; c < outputs; ++c) sum += e[c] = std::exp(raw[c][i] - top);
          const size_t label = static_cast<size_t>(y[i]);
          const double weight = w.empty() ? 1.0 : w[i];
          for (size_t c = 0; c < outputs; ++c) {
            const double prob = e[c] / sum;
            (*g)[c][i] = weight * (prob - (c == label ? 1.0 : 0.0));
            (*h)[c][i] = weight * (prob * (1 - prob));
          }
        }
        return;
      }
      std::vector<double>& g0 = (*g)[0];
      std::vector<double>& h0 = (*h)[0];
      for (int64_t i = begin; i < end; ++i) {
        if (loss_ == Loss::kSquaredError) {
          g0[i] = raw[0][i] - y[i];
          h0[i] = 1.0;
        } else {
          const double prob = Sigmoid(raw[0][i]);
          g0[i] = prob - y[i];
          h0[i] = prob * (1 - prob);
        }
      }
      for (int64_t i = begin; i < end && !w.empty(); ++i) g0[i] *= w[i], h0[i] *= w[i];
    });
  }

  // scikit-learn's rule: stop when none of the last n_iter_no_change scores beats the one
  // before them by more than tol.
  static bool ShouldStop(const std::vector<double>& scores, int64_t n_iter_no_change, double tol) {
    const int64_t reference = n_iter_no_change + 1;
    if (static_cast<int64_t>(scores.size()) < reference) return false;
    const double reference_score = scores[scores.size() - reference] + tol;
    for (size_t i = scores.size() - reference + 1; i < scores.size(); ++i)
      if (scores[i] > reference_score) return false;
    return true;
  }

  Json params_;
  bool classifier_;
  Loss loss_;
  std::vector<std::string> classes_ = {"0", "1"};  // a classifier's; two unless SetClasses says
  TreeEnsemble ensemble_;
  bool fitted_ = false;
  Json fit_info_ = Json::object();
};

}  // namespace

std::unique_ptr<Estimator> MakeGradientBoostingRegressor(const Json& params) {
  return std::make_unique<GradientBoosting>(params, false);
}

std::unique_ptr<Estimator> MakeGradientBoostingClassifier(const Json& params) {
  return std::make_unique<GradientBoosting>(params, true);
}

}  // namespace outcore
