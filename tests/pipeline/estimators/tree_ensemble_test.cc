// The tree-ensemble scorer on hand-built trees (thresholds, missing sides, links, blocks and
// threads, depth), its JSON loader's refusals, and gradient boosting on tiny data whose best
// split is known.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/pipeline.h"
#include "pipeline/estimators/tree_ensemble.h"

namespace outcore {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

TreeNode Split(int32_t feature, double threshold, int32_t left, int32_t right, bool missing_left) {
  TreeNode n;
  n.feature = feature, n.threshold = threshold, n.left = left, n.right = right, n.missing_left = missing_left;
  return n;
}

TreeNode Leaf(double value) {
  TreeNode n;
  n.value = value;
  return n;
}

// x0 <= 1 (missing: left) -> 10; else x1 <= 0 (missing: right) -> 20, else 30.
Tree SmallTree(int32_t group = 0) {
  Tree t;
  t.nodes = {Split(0, 1.0, 1, 2, true), Leaf(10), Split(1, 0.0, 3, 4, false), Leaf(20), Leaf(30)};
  t.group = group;
  return t;
}

TreeEnsemble Ensemble(std::vector<Tree> trees, TreeLink link = TreeLink::kIdentity, int32_t outputs = 1) {
  TreeEnsemble e;
  e.n_features = 2;
  e.n_outputs = outputs;
  e.base_score.assign(outputs, 0.5);
  e.link = link;
  e.trees = std::move(trees);
  return e;
}

Features Rows(const std::vector<std::vector<double>>& rows) {
  Features f;
  f.rows = static_cast<int64_t>(rows.size());
  f.names = {"x0", "x1"};
  f.values.resize(rows.size() * 2);
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < 2; ++j) f.col(j)[i] = rows[i][j];
  return f;
}

std::vector<double> Predict(const TreeEnsemble& e, const Features& X, int threads = 1) {
  std::vector<double> out(X.rows * e.n_outputs);
  e.Predict(X, out.data(), threads);
  return out;
}

TEST(TreeEnsemble, ThresholdEqualToTheValueGoesLeftAndMissingGoesToItsSide) {
  const TreeEnsemble e = Ensemble({SmallTree()});
  const Features X = Rows({{1.0, 5}, {std::nextafter(1.0, 2.0), 0.0}, {2, std::nextafter(0.0, 1.0)},
                           {kNaN, 5}, {2, kNaN}, {-1e300, kNaN}, {kNaN, kNaN}});
  EXPECT_EQ(Predict(e, X), (std::vector<double>{10.5, 20.5, 30.5, 10.5, 30.5, 10.5, 10.5}));
}

TEST(TreeEnsemble, Float32ComparisonIsStrictAndInSinglePrecision) {
  TreeEnsemble e = Ensemble({SmallTree()});
  e.compare = SplitCompare::kLessFloat32;
  // 1.0 itself goes right (x < t), and so does a double just below 1 that rounds to 1.0f.
  const Features X = Rows({{1.0, 5}, {1.0 - 1e-12, 5}, {0.99, 5}, {kNaN, 5}});
  EXPECT_EQ(Predict(e, X), (std::vector<double>{30.5, 30.5, 10.5, 10.5}));
}

TEST(TreeEnsemble, LinksSigmoidSoftmaxAndAverage) {
  Tree small;
  small.nodes = {Split(0, 0.0, 1, 2, true), Leaf(-1), Leaf(1)};
  const Features X = Rows({{-1, 0}, {1, 0}});
  const auto sigmoid = Predict(Ensemble({small}, TreeLink::kSigmoid), X);
  EXPECT_DOUBLE_EQ(sigmoid[0], 1 / (1 + std::exp(0.5)));
  EXPECT_DOUBLE_EQ(sigmoid[1], 1 / (1 + std::exp(-1.5)));
  // Two outputs, a tree for each (the second adds 2 to output 1 whatever the row).
  Tree constant;
  constant.nodes = {Leaf(2)};
  constant.group = 1;
  const auto softmax = Predict(Ensemble({small, constant}, TreeLink::kSoftmax, 2), X);
  ASSERT_EQ(softmax.size(), 4u);
  EXPECT_NEAR(softmax[0], std::exp(-0.5) / (std::exp(-0.5) + std::exp(2.5)), 1e-15);
  EXPECT_NEAR(softmax[0] + softmax[1], 1.0, 1e-15);
  EXPECT_NEAR(softmax[2], std::exp(1.5) / (std::exp(1.5) + std::exp(2.5)), 1e-15);
  // A forest: the mean of the trees, plus the base score.
  Tree other = small;
  other.nodes[1].value = 3;
  EXPECT_EQ(Predict(Ensemble({small, other}, TreeLink::kAverage), X), (std::vector<double>{1.5, 1.5}));
}

// A reference walk, one row at a time.
double Walk(const Tree& t, const Features& X, int64_t i) {
  int32_t n = 0;
  while (!t.nodes[n].is_leaf()) {
    const TreeNode& node = t.nodes[n];
    const double x = X.col(node.feature)[i];
    n = std::isnan(x) ? (node.missing_left ? node.left : node.right) : x <= node.threshold ? node.left : node.right;
  }
  return t.nodes[n].value;
}

TEST(TreeEnsemble, BlocksAndThreadsScoreEveryRowAsARowByRowWalk) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> rows(70000);
  for (auto& r : rows) r = {normal(rng), rng() % 10 == 0 ? kNaN : normal(rng)};
  const Features X = Rows(rows);
  std::vector<Tree> trees;
  for (int k = 0; k < 20; ++k) {
    Tree t = SmallTree();
    t.nodes[0].threshold = normal(rng);
    t.nodes[2].threshold = normal(rng);
    t.nodes[3].value = k;
    trees.push_back(t);
  }
  const TreeEnsemble e = Ensemble(trees);
  const auto one = Predict(e, X, 1), four = Predict(e, X, 4);
  ASSERT_EQ(std::memcmp(one.data(), four.data(), one.size() * sizeof(double)), 0);
  for (int64_t i = 0; i < X.rows; i += 997) {
    double expected = 0;
    for (const Tree& t : trees) expected += Walk(t, X, i);
    EXPECT_EQ(one[i], 0.5 + expected) << "row " << i;
  }
}

// The rule of a categorical split (tree_ensemble.h), written plainly: a missing x goes to the
// missing side; the category of x is trunc(x) for 0 <= x < 2^31; in `left` goes left, in
// `right` right, anything else to the `other` side.
bool ReferenceCategoryLeft(const CategorySplit& s, bool missing_left, double x, SplitCompare compare) {
  if (std::isnan(x)) return missing_left;
  const bool other = s.other == CategoryOther::kMissing ? missing_left : s.other == CategoryOther::kLeft;
  if (compare == SplitCompare::kLessFloat32) x = static_cast<float>(x);  // XGBoost reads floats
  if (x < 0 || x >= 2147483648.0) return other;
  const int32_t c = static_cast<int32_t>(std::trunc(x));
  for (int32_t l : s.left)
    if (l == c) return true;
  for (int32_t r : s.right)
    if (r == c) return false;
  return other;
}

// The rule of tree_ensemble.h, one row and one node at a time, in both compare modes.
double ReferenceLeaf(const Tree& t, SplitCompare compare, const Features& X, int64_t i) {
  int32_t n = 0;
  while (!t.nodes[n].is_leaf()) {
    const TreeNode& node = t.nodes[n];
    const double x = X.col(node.feature)[i];
    const bool left = node.is_categorical() ? ReferenceCategoryLeft(t.categories[node.categories], node.missing_left, x, compare)
                      : std::isnan(x)       ? node.missing_left
                      : compare == SplitCompare::kLessEqual
                          ? x <= node.threshold
                          : static_cast<float>(x) < static_cast<float>(node.threshold);
    n = left ? node.left : node.right;
  }
  return t.nodes[n].value;
}

// RawScores by the reference walk: per output, the trees' leaves added in tree order, the mean
// for kAverage, plus the base score.
std::vector<double> ReferenceRaw(const TreeEnsemble& e, const Features& X) {
  std::vector<double> out(X.rows * e.n_outputs, 0.0), count(e.n_outputs, 0.0);
  for (const Tree& t : e.trees) count[t.group] += 1;
  for (int64_t i = 0; i < X.rows; ++i) {
    double* r = out.data() + i * e.n_outputs;
    if (e.float32_sums) {
      // XGBoost's sums: in float, from the base score (unless averaged), tree after tree.
      const bool base_first = e.link != TreeLink::kAverage;
      std::vector<float> sum(e.n_outputs);
      for (int32_t j = 0; j < e.n_outputs; ++j) sum[j] = base_first ? static_cast<float>(e.base_score[j]) : 0.0f;
      for (const Tree& t : e.trees) sum[t.group] += static_cast<float>(ReferenceLeaf(t, e.compare, X, i));
      for (int32_t j = 0; j < e.n_outputs; ++j) {
        r[j] = sum[j];
        if (e.link == TreeLink::kAverage && count[j] > 0) r[j] /= count[j];
        if (!base_first) r[j] += e.base_score[j];
      }
      continue;
    }
    for (const Tree& t : e.trees) r[t.group] += ReferenceLeaf(t, e.compare, X, i);
    for (int32_t j = 0; j < e.n_outputs; ++j) {
      if (e.link == TreeLink::kAverage && count[j] > 0) r[j] /= count[j];
      r[j] += e.base_score[j];
    }
  }
  return out;
}

void ExpectBitIdentical(const std::vector<double>& got, const std::vector<double>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(double)) != 0) {
      ADD_FAILURE() << what << ": value " << i << " is " << got[i] << ", the reference walk gives " << want[i];
      return;
    }
}

// A random tree over `features` features of at most `depth` levels (exactly, on every path,
// when `full`), thresholds from `pool`.
int32_t GrowRandom(Tree* t, std::mt19937_64& rng, int features, int depth, const std::vector<double>& pool,
                   bool full = false) {
  const int32_t at = static_cast<int32_t>(t->nodes.size());
  t->nodes.emplace_back();
  if (depth == 0 || (!full && rng() % 5 == 0)) {
    t->nodes[at] = Leaf(std::ldexp(static_cast<double>(rng() % 2001) - 1000, -7));
    return at;
  }
  const int32_t left = GrowRandom(t, rng, features, depth - 1, pool, full);
  const int32_t right = GrowRandom(t, rng, features, depth - 1, pool, full);
  t->nodes[at] = Split(static_cast<int32_t>(rng() % features), pool[rng() % pool.size()], left, right, rng() % 2 == 0);
  return at;
}

// The scorer compiles the trees into ranks of the feature values and, for trees of at most 32
// or 64 leaves, into leaf masks (see tree_ensemble.cc); it must give exactly the reference
// walk's numbers: values equal to thresholds, NaN, +-inf, -0.0, doubles that round to a
// threshold in float32, several outputs and links, blocks of rows that are not a multiple of
// the lanes, one or several threads, and trees of 32 leaves (32-bit masks), 64 (64-bit masks)
// and 128 (the ranked walk).
TEST(TreeEnsemble, CompiledScoringEqualsTheReferenceWalkBitForBit) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> pool = {-inf, -1e300, -2.5, -1, -0.0, 0.0, 1e-300, 0.1, 0.5, 1.0,
                                    1.0 - 1e-12, std::nextafter(1.0, 2.0), 3.25, 1e300, inf};
  std::mt19937_64 rng(11);
  for (int depth : {5, 6, 7})
  for (bool sums32 : {false, true})
  for (SplitCompare compare : {SplitCompare::kLessEqual, SplitCompare::kLessFloat32})
    for (auto [link, outputs] : {std::pair{TreeLink::kIdentity, 1}, std::pair{TreeLink::kSoftmax, 3},
                                 std::pair{TreeLink::kAverage, 2}}) {
      const int features = 4;
      TreeEnsemble e;
      e.n_features = features;
      e.n_outputs = outputs;
      e.link = link;
      e.compare = compare;
      for (int j = 0; j < outputs; ++j) e.base_score.push_back(0.25 * j - 0.1);
      for (int k = 0; k < 40; ++k) {
        Tree t;  // the first tree has 2^depth leaves, the others fewer
        GrowRandom(&t, rng, features, k == 0 ? depth : static_cast<int>(rng() % (depth + 1)), pool, k == 0);
        t.group = static_cast<int32_t>(k % outputs);
        if (sums32)  // XGBoost's leaves are floats
          for (TreeNode& n : t.nodes) n.value = static_cast<float>(n.value * 1.37);
        e.trees.push_back(t);
      }
      e.float32_sums = sums32;
      if (sums32) e.base_score[0] = static_cast<float>(1234.567);  // sums far from float's exact range
      Features X;
      X.rows = 3001;
      for (int j = 0; j < features; ++j) X.names.push_back("x" + std::to_string(j));
      X.values.resize(X.rows * features);
      for (double& v : X.values) {
        const uint64_t pick = rng() % 4;
        v = pick == 0 ? kNaN : pick == 1 ? std::ldexp(static_cast<double>(rng() % 801) - 400, -7) : pool[rng() % pool.size()];
      }
      const std::string what = std::string(CompareName(compare)) + ", " + LinkName(link) + ", depth " +
                               std::to_string(depth) + (sums32 ? ", float32 sums" : "");
      const std::vector<double> want = ReferenceRaw(e, X);
      for (int threads : {1, 3}) {
        std::vector<double> got(X.rows * outputs);
        e.RawScores(X, got.data(), threads);
        ExpectBitIdentical(got, want, what + ", threads " + std::to_string(threads));
      }
    }
}

// Makes every split of t on a feature below `categorical` a categorical split: random disjoint
// sets of categories 0..9 (and 300, 70000), some left empty.
void MakeCategorical(Tree* t, std::mt19937_64& rng, int categorical) {
  const std::vector<int32_t> values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 300, 70000};
  for (TreeNode& n : t->nodes) {
    if (n.is_leaf() || n.feature >= categorical) continue;
    CategorySplit s;
    for (int32_t v : values) {
      const uint64_t side = rng() % 3;  // left, right, or unknown to this split
      if (side == 0) s.left.push_back(v);
      if (side == 1) s.right.push_back(v);
    }
    const uint64_t other = rng() % 3;
    s.other = other == 0 ? CategoryOther::kMissing : other == 1 ? CategoryOther::kLeft : CategoryOther::kRight;
    n.threshold = 0;
    n.categories = static_cast<int32_t>(t->categories.size());
    t->categories.push_back(s);
  }
}

// Categorical splits (scikit-learn's HistGradientBoosting with categorical_features) score as
// the plain rule says, bit for bit, in every form: leaf masks of 32 and 64 bits (trees of up to
// 32 and 64 leaves) and the double walk (128 leaves), next to numeric splits on other features:
// values that are categories, fractions of them (truncated), unknown categories, negatives
// (-0.5 included), NaN, +-inf, 2^31 and beyond.
TEST(TreeEnsemble, CategoricalSplitsScoreAsTheRuleSaysInEveryForm) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> pool = {-2.5, -1, -0.0, 0.0, 0.5, 1.0, 3.25};
  // 2.9999999999 is category 2, but 3 as a float (the float32 rule).
  const std::vector<double> values = {0,   1,   2,    3,   4,    5,    6,     7,    8,     9,          0.5,  2.9999999999,
                                      -0.5, -1, -300, 10,  255,  256,  300,   300.7, 70000, 2147483647.5, 2147483648.0,
                                      1e300, inf, -inf, kNaN, kNaN, 1, 2, 3};
  std::mt19937_64 rng(29);
  for (int depth : {5, 6, 7})
  for (SplitCompare compare : {SplitCompare::kLessEqual, SplitCompare::kLessFloat32})
    for (auto [link, outputs] : {std::pair{TreeLink::kSigmoid, 1}, std::pair{TreeLink::kSoftmax, 3}}) {
      const int features = 4, categorical = 2;  // x0, x1 categorical; x2, x3 numeric
      TreeEnsemble e;
      e.n_features = features;
      e.n_outputs = outputs;
      e.link = link;
      e.compare = compare;
      e.base_score.assign(outputs, 0.125);
      for (int k = 0; k < 30; ++k) {
        Tree t;
        GrowRandom(&t, rng, features, k == 0 ? depth : static_cast<int>(rng() % (depth + 1)), pool, k == 0);
        MakeCategorical(&t, rng, categorical);
        t.group = static_cast<int32_t>(k % outputs);
        e.trees.push_back(t);
      }
      Features X;
      X.rows = 2003;
      for (int j = 0; j < features; ++j) X.names.push_back("x" + std::to_string(j));
      X.values.resize(X.rows * features);
      for (int j = 0; j < features; ++j)
        for (int64_t i = 0; i < X.rows; ++i)
          X.col(j)[i] = j < categorical ? values[rng() % values.size()] : pool[rng() % pool.size()] + (rng() % 3 == 0 ? kNaN : 0);
      const std::string what = std::string(CompareName(compare)) + ", " + LinkName(link) + ", depth " + std::to_string(depth);
      const std::vector<double> want = ReferenceRaw(e, X);
      for (int threads : {1, 3}) {
        std::vector<double> got(X.rows * outputs);
        e.RawScores(X, got.data(), threads);
        ExpectBitIdentical(got, want, what + ", threads " + std::to_string(threads));
      }
      // The file form scores the same.
      const TreeEnsemble back = TreeEnsembleFromJson("test_trees", Json::parse(TreeEnsembleToJson(e).dump()));
      std::vector<double> got(X.rows * outputs);
      back.RawScores(X, got.data());
      ExpectBitIdentical(got, want, what + ", loaded from JSON");
    }
}

// A hand-built ensemble splitting one feature both ways (which the loader refuses) is scored
// by the double walk, by the same rule.
TEST(TreeEnsemble, AFeatureSplitBothWaysStillScoresByTheRule) {
  Tree numeric = SmallTree();  // x0 <= 1, x1 <= 0
  Tree categorical = SmallTree();
  categorical.nodes[0].threshold = 0;
  categorical.nodes[0].categories = 0;
  categorical.categories = {CategorySplit{{2, 5}, {1}}};
  const TreeEnsemble e = Ensemble({numeric, categorical});
  const Features X = Rows({{1, 0}, {2, 0}, {5.5, 1}, {1.5, -1}, {kNaN, 3}, {7, 1}, {-0.5, 1}});
  std::vector<double> got(X.rows);
  e.RawScores(X, got.data());
  ExpectBitIdentical(got, ReferenceRaw(e, X), "x0 split both ways");
  // x0 = 2: numeric right (then x1 = 0 <= 0: 20), categorical left (10): 0.5 + 30.
  EXPECT_EQ(got[1], 0.5 + 20 + 10);
  // x0 = 1: numeric left (10), categorical right (x1 <= 0: 20).
  EXPECT_EQ(got[0], 0.5 + 10 + 20);
  // x0 = 7, an unknown category, goes to the missing side (left: 10); numeric right, x1 = 1: 30.
  EXPECT_EQ(got[5], 0.5 + 30 + 10);
}

// Up to 65,534 distinct thresholds of a feature are ranked in 16 bits; past that, the feature's
// trees are scored by the double walk. Both sides of the limit give the reference walk's numbers.
TEST(TreeEnsemble, FeaturesWithTooManyThresholdsForRanksScoreTheSame) {
  std::mt19937_64 rng(3);
  for (int cuts : {65534, 65535}) {
    TreeEnsemble e = Ensemble({});
    // Balanced trees of 255 splits over consecutive thresholds 0, 0.5, 1, ... of x0, missing
    // values sent alternately left and right; then x1 splits as well.
    for (int first = 0; first < cuts; first += 255) {
      const int last = std::min(cuts, first + 255);
      Tree t;
      std::function<int32_t(int, int)> grow = [&](int lo, int hi) -> int32_t {
        const int32_t at = static_cast<int32_t>(t.nodes.size());
        t.nodes.emplace_back();
        if (lo >= hi) {
          t.nodes[at] = Leaf(static_cast<double>(rng() % 1000));
          return at;
        }
        const int mid = (lo + hi) / 2;
        const int32_t left = grow(lo, mid), right = grow(mid + 1, hi);
        t.nodes[at] = Split(0, 0.5 * mid, left, right, mid % 2 == 0);
        return at;
      };
      grow(first, last);
      e.trees.push_back(t);
    }
    e.trees.push_back(SmallTree());
    std::vector<std::vector<double>> rows;
    for (double x : {-1.0, 0.0, 0.25, 0.5 * (cuts - 1), 0.5 * cuts, 1e9, kNaN, -std::numeric_limits<double>::infinity()})
      rows.push_back({x, 0.0});
    for (int i = 0; i < 500; ++i) {
      const double x = 0.25 * static_cast<double>(rng() % (2 * static_cast<uint64_t>(cuts) + 4));
      rows.push_back({x, rng() % 3 == 0 ? kNaN : x - 5000});
    }
    const Features X = Rows(rows);
    std::vector<double> got(X.rows);
    e.RawScores(X, got.data());
    ExpectBitIdentical(got, ReferenceRaw(e, X), std::to_string(cuts) + " thresholds");
  }
}

TEST(TreeEnsemble, WrongFeatureCountIsASchemaError) {
  TreeEnsemble e = Ensemble({SmallTree()});
  e.n_features = 3;
  std::vector<double> out(1);
  try {
    e.Predict(Rows({{0, 0}}), out.data());
    ADD_FAILURE() << "scored";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::kSchema) << err.what();
  }
}

// A chain of `depth` splits on x0 <= 0, each with a leaf on the right.
Tree Chain(int depth) {
  Tree t;
  for (int i = 0; i < depth; ++i) t.nodes.push_back(Split(0, 0.0, i + 1 < depth ? i + 1 : depth, depth + 1 + i, false));
  t.nodes.push_back(Leaf(-7));  // node `depth`: the left end
  for (int i = 0; i < depth; ++i) t.nodes.push_back(Leaf(i));
  return t;
}

std::string LoadError(const Json& state) {
  try {
    TreeEnsembleFromJson("test_trees", state);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModel) << e.what();
    return e.what();
  }
  return "loaded";
}

TEST(TreeEnsembleJson, RoundTripsBitwiseAndKeepsDepthUpToTheCap) {
  TreeEnsemble e = Ensemble({SmallTree(), Chain(kMaxTreeDepth)}, TreeLink::kSigmoid);
  e.base_score = {0.1 + 0.2};
  e.trees[0].nodes[0].threshold = 1.0 / 3;
  const TreeEnsemble back = TreeEnsembleFromJson("test_trees", Json::parse(TreeEnsembleToJson(e).dump()));
  EXPECT_EQ(TreeEnsembleToJson(back), TreeEnsembleToJson(e));
  const Features X = Rows({{-1, 0}, {0.3, kNaN}, {0.34, 1}});
  const auto a = Predict(e, X), b = Predict(back, X);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0);
  // Deeper than the cap is refused.
  e.trees[1] = Chain(kMaxTreeDepth + 1);
  EXPECT_NE(LoadError(TreeEnsembleToJson(e)).find("state.trees[1].left[256]: makes the tree deeper than 256 levels"),
            std::string::npos);
}

TEST(TreeEnsembleJson, RefusesBadIndicesCyclesSharedAndOrphanNodesNamingThePath) {
  const Json good = TreeEnsembleToJson(Ensemble({SmallTree(), SmallTree()}));
  ASSERT_EQ(LoadError(good), "loaded");
  struct Case {
    std::string pointer;  // JSON pointer of the value to replace
    Json value;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"/trees/1/left/2", 5, "state.trees[1].left[2]: is 5, not a node of this tree (0 to 4) (test_trees)"},
      {"/trees/1/right/0", -1, "state.trees[1].right[0]: is -1, not a node of this tree (0 to 4)"},
      {"/trees/0/left/2", 0, "state.trees[0].left[2]: is 0, a node reached already (a cycle"},
      {"/trees/0/left/2", 1, "state.trees[0].left[2]: is 1, a node reached already (a cycle, or a node with two parents)"},
      {"/trees/0/feature/0", 2, "state.trees[0].feature[0]: is 2, not -1 (a leaf) or a feature of the model (-1 to 1)"},
      {"/trees/0/feature/0", 1.5, "state.trees[0].feature[0]: must be a whole number, not 1.5"},
      {"/trees/0/threshold/2", nullptr, "state.trees[0].threshold[2]: must be a number, not null"},
      {"/trees/0/value/3", "1", "state.trees[0].value[3]: must be a number, not string"},
      {"/trees/0/missing_left/0", 1, "state.trees[0].missing_left[0]: must be true or false, not 1"},
      {"/trees/0/left/1", 3, "state.trees[0].left[1]: must be -1: node 1 is a leaf (feature -1), got 3"},
      {"/trees/0/group", 1, "state.trees[0].group: is 1, not an output of the model (0 to 0)"},
      {"/trees/0/value", Json::array({1, 2}), "state.trees[0].value: has 2 entries, but 'feature' has 5 (one per node)"},
      {"/trees/0/feature", Json::array(), "state.trees[0].feature: is empty"},
      {"/trees/0/depth", 3, "state.trees[0].depth: is not a key of a tree"},
      {"/link", "logit", "state.link: is \"logit\", not one of"},
      {"/compare", "<", "state.compare: is \"<\", not"},
      {"/base_score", Json::array({0.5, 0.5}), "state.base_score: has 2 entries, expected 1"},
      {"/n_outputs", 0, "state.n_outputs: is 0, not an output count"},
      {"/extra", 1, "state.extra: is not a key of this state"},
  };
  for (const Case& c : cases) {
    Json bad = good;
    bad[Json::json_pointer(c.pointer)] = c.value;
    const std::string message = LoadError(bad);
    EXPECT_NE(message.find(c.error), std::string::npos) << c.pointer << "\n expected: " << c.error << "\n      got: " << message;
  }
  // Categorical splits: the sets' form, range, order and disjointness, leaves without sets, and
  // a feature split one way.
  Tree cat = SmallTree();
  cat.nodes[0].threshold = 0;
  cat.nodes[0].categories = 0;
  cat.categories = {CategorySplit{{0, 3}, {1, 7}}};
  Tree on_x1;  // x1 <= 0 -> 1, else 2
  on_x1.nodes = {Split(1, 0.0, 1, 2, false), Leaf(1), Leaf(2)};
  const Json with_categories = TreeEnsembleToJson(Ensemble({cat, on_x1}));
  ASSERT_EQ(LoadError(with_categories), "loaded");
  ASSERT_EQ(with_categories["trees"][0]["categories"], Json::parse(R"([{"left": [0, 3], "right": [1, 7]}, null, null, null, null])"));
  ASSERT_FALSE(with_categories["trees"][1].contains("categories"));  // absent without categorical splits
  const std::vector<Case> categorical_cases = {
      {"/trees/0/categories/0/left/1", 0, "state.trees[0].categories[0].left[1]: is 0, not above the category before it"},
      {"/trees/0/categories/0/right/0", 3, "state.trees[0].categories[0].right: holds category 3, which 'left' holds too"},
      {"/trees/0/categories/0/left/0", -1, "state.trees[0].categories[0].left[0]: is -1, not a category (0 to 2147483647)"},
      {"/trees/0/categories/0/left/1", 2147483648LL, "state.trees[0].categories[0].left[1]: is 2147483648, not a category"},
      {"/trees/0/categories/0/left/1", 3.5, "state.trees[0].categories[0].left[1]: must be a whole number, not 3.5"},
      {"/trees/0/categories/0/left", 3, "state.trees[0].categories[0].left: must be a list of categories, not number"},
      {"/trees/0/categories/0", Json::array({1}), "state.trees[0].categories[0]: must be null (a numeric split) or"},
      {"/trees/0/categories/0/middle", Json::array(), "state.trees[0].categories[0]: must be null (a numeric split) or"},
      {"/trees/0/categories/0/other", "up", "state.trees[0].categories[0].other: is \"up\", not \"missing\", \"left\" or \"right\""},
      {"/trees/0/categories/1", Json::parse(R"({"left": [1], "right": []})"), "state.trees[0].categories[1]: must be null: node 1 is a leaf"},
      {"/trees/0/threshold/0", 0.5, "state.trees[0].categories[0]: is a categorical split, whose threshold is 0 (unused), but the threshold is 0.5"},
      {"/trees/0/categories", Json::array({nullptr}), "state.trees[0].categories: has 1 entries, but 'feature' has 5"},
      // x1: on a threshold at trees[0] node 2, on categories at trees[1] node 0, or the reverse.
      {"/trees/1/categories", Json::parse(R"([{"left": [1], "right": []}, null, null])"),
       "state.trees[1].categories[0]: feature 1 is split on categories here and on thresholds elsewhere"},
      {"/trees/0/categories/2", Json::parse(R"({"left": [1], "right": []})"),
       "state.trees[1].categories[0]: feature 1 is split on a threshold here and on categories elsewhere"},
  };
  for (const Case& c : categorical_cases) {
    Json bad = with_categories;
    bad[Json::json_pointer(c.pointer)] = c.value;
    const std::string message = LoadError(bad);
    EXPECT_NE(message.find(c.error), std::string::npos) << c.pointer << "\n expected: " << c.error << "\n      got: " << message;
  }
  // Both trees splitting x1 on categories load.
  Json both = with_categories;
  both["trees"][0]["categories"][2] = Json::parse(R"({"left": [4], "right": [0]})");
  both["trees"][1]["categories"] = Json::parse(R"([{"left": [1], "right": []}, null, null])");
  EXPECT_EQ(LoadError(both), "loaded");
  // An orphan: node 2's subtree replaced by a leaf, its old children left behind.
  Json orphan = good;
  orphan["trees"][0]["feature"][2] = -1;
  orphan["trees"][0]["left"][2] = -1;
  orphan["trees"][0]["right"][2] = -1;
  EXPECT_NE(LoadError(orphan).find("state.trees[0].feature[3]: node 3 is not reached from the root"), std::string::npos);
}

// Features of one column per list.
Features Columns(const std::vector<std::vector<double>>& cols) {
  Features f;
  f.rows = static_cast<int64_t>(cols[0].size());
  for (size_t j = 0; j < cols.size(); ++j) {
    f.names.push_back("f" + std::to_string(j));
    f.values.insert(f.values.end(), cols[j].begin(), cols[j].end());
  }
  return f;
}

TEST(GradientBoosting, OneStumpFindsTheKnownBestSplitAtTheMidpoint) {
  // y jumps at x0 = 60; x1 is noise. One tree of two leaves, learning rate 1: the split is
  // x0 <= 59.5 and the leaves are the means of each side.
  std::vector<double> x0, x1, y;
  for (int i = 0; i < 100; ++i) {
    x0.push_back(i);
    x1.push_back((i * 37) % 11);
    y.push_back(i >= 60 ? 5.0 : 1.0);
  }
  auto model = MakeEstimator("gradient_boosting_regressor",
                             {{"max_iter", 1}, {"learning_rate", 1.0}, {"max_leaf_nodes", 2}, {"min_samples_leaf", 1}});
  model->Fit(Columns({x0, x1}), y);
  const Json state = model->SaveState();
  const Json& tree = state["trees"][0];
  EXPECT_EQ(state["base_score"][0].get<double>(), 2.6);
  EXPECT_EQ(tree["feature"], Json::array({0, -1, -1}));
  EXPECT_EQ(tree["threshold"][0].get<double>(), 59.5);
  EXPECT_NEAR(tree["value"][1].get<double>(), 1.0 - 2.6, 1e-12);
  EXPECT_NEAR(tree["value"][2].get<double>(), 5.0 - 2.6, 1e-12);
  std::vector<double> out(3);
  model->Predict(Columns({{59.5, 59.6, kNaN}, {0, 0, 0}}), out.data());
  EXPECT_NEAR(out[0], 1.0, 1e-12);
  EXPECT_NEAR(out[1], 5.0, 1e-12);
  EXPECT_NEAR(out[2], 1.0, 1e-12) << "no missing values at fit: a missing value goes where most rows went";
  EXPECT_EQ(model->FitInfo()["iterations"], 1);
}

TEST(GradientBoosting, MissingValuesGoToTheSideLearnedAtFit) {
  // Missing x0 comes with high y: the split sends missing values with the high side.
  std::vector<double> x0, y;
  for (int i = 0; i < 90; ++i) {
    const bool missing = i % 3 == 0;
    x0.push_back(missing ? kNaN : i);
    y.push_back(missing || i >= 70 ? 1.0 : 0.0);
  }
  auto model = MakeEstimator("gradient_boosting_classifier", {{"max_iter", 50}, {"min_samples_leaf", 5}});
  model->Fit(Columns({x0}), y);
  std::vector<double> p(3);
  model->Predict(Columns({{kNaN, 10, 80}}), p.data());
  EXPECT_GT(p[0], 0.9);
  EXPECT_LT(p[1], 0.1);
  EXPECT_GT(p[2], 0.9);
  // The same model after a save and load.
  auto loaded = MakeEstimator("gradient_boosting_classifier", model->params());
  loaded->LoadState(Json::parse(model->SaveState().dump()));
  std::vector<double> q(3);
  loaded->Predict(Columns({{kNaN, 10, 80}}), q.data());
  EXPECT_EQ(std::memcmp(p.data(), q.data(), sizeof(double) * 3), 0);
}

TEST(GradientBoosting, EarlyStoppingStopsWhenTheHeldOutLossStopsImproving) {
  // Pure noise: after a few trees the held-out loss cannot improve.
  std::mt19937_64 rng(3);
  std::vector<double> x0, y;
  for (int i = 0; i < 2000; ++i) {
    x0.push_back(static_cast<double>(rng() % 1000));
    y.push_back(static_cast<double>(rng() % 2));
  }
  auto model = MakeEstimator("gradient_boosting_classifier", {{"early_stopping", true}, {"random_state", 1}});
  model->Fit(Columns({x0}), y);
  const Json info = model->FitInfo();
  EXPECT_EQ(info["stopped_early"], true) << info;
  EXPECT_LT(info["iterations"].get<int64_t>(), 100) << info;
  EXPECT_EQ(info["validation_rows"], 200) << info;
}

TEST(GradientBoosting, ClassifierRefusesATargetOfOneClass) {
  auto model = MakeEstimator("gradient_boosting_classifier", Json::object());
  try {
    model->Fit(Columns({{1, 2, 3}}), {1, 1, 1});
    ADD_FAILURE() << "fitted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("only one class"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace outcore

namespace outcore {
namespace {

// Scoring speed, by hand: --gtest_also_run_disabled_tests --gtest_filter='*Timing*'. A
// gradient_boosting_classifier of 100 trees (31 leaves) fitted on 8 features with interactions
// and thresholds, then 1M rows scored on 1 thread; prints CPU seconds.
TEST(TreeEnsembleTiming, DISABLED_HundredTreesOnAMillionRows) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  auto make = [&](int64_t rows, std::vector<double>* y) {
    Features X;
    X.rows = rows;
    for (int j = 0; j < 8; ++j) X.names.push_back("x" + std::to_string(j));
    X.values.resize(rows * 8);
    for (double& v : X.values) v = normal(rng);
    for (int64_t i = 0; i < rows; ++i) {
      if (i % 7 == 0) X.col(3)[i] = kNaN;
      const double* x[8];
      for (int j = 0; j < 8; ++j) x[j] = X.col(j) + i;
      const double f = 1.5 * (*x[0] > 0.3 && *x[1] < 0) - 1.2 * (*x[2] > 0.5) + 2 * *x[0] * *x[1] +
                       (std::isnan(*x[3]) ? 0.7 : std::sin(2 * *x[3])) - 0.5 * std::abs(*x[6]) + 0.3 * *x[7];
      if (y) y->push_back(unit(rng) < 1 / (1 + std::exp(-f)) ? 1.0 : 0.0);
    }
    return X;
  };
  std::vector<double> y;
  const Features train = make(200000, &y);
  auto model = MakeEstimator("gradient_boosting_classifier", {{"early_stopping", false}});
  model->Fit(train, y);
  const Features X = make(1000000, nullptr);
  std::vector<double> out(X.rows);
  const std::clock_t start = std::clock();
  model->Predict(X, out.data());
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  std::printf("100 trees x 1M rows, 1 thread: %.3f CPU s (%.2f M rows/s)\n", seconds, 1.0 / seconds);
}

}  // namespace
}  // namespace outcore

namespace outcore {
namespace {

TEST(GradientBoosting, WithoutFeaturesPredictsTheBaseline) {
  // More rows than a block's lanes, so that every scoring path runs with no feature column.
  for (int64_t rows : {4, 8, 300}) {
    Features none;
    none.rows = rows;
    std::vector<double> y(rows);
    for (int64_t i = 0; i < rows; ++i) y[i] = static_cast<double>(i % 4 == 3 ? 6 : i % 4 + 1);
    auto model = MakeEstimator("gradient_boosting_regressor", Json::object());
    model->Fit(none, y);
    std::vector<double> out(rows);
    model->Predict(none, out.data());
    for (double v : out) EXPECT_DOUBLE_EQ(v, 3.0) << rows << " rows";
  }
}

}  // namespace
}  // namespace outcore
