// random_forest_classifier and random_forest_regressor: the same model on 1 and 2 threads,
// leaves that hold (weighted) class fractions and means, splits on bin edges, missing values,
// k classes, save and load, and refusals of odd parameters, targets and states.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/pipeline.h"

namespace outcore {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

Features Columns(const std::vector<std::vector<double>>& cols) {
  Features f;
  f.rows = cols.empty() ? 0 : static_cast<int64_t>(cols[0].size());
  for (size_t j = 0; j < cols.size(); ++j) {
    f.names.push_back("f" + std::to_string(j));
    f.values.insert(f.values.end(), cols[j].begin(), cols[j].end());
  }
  return f;
}

// 3000 rows of 6 features (one with missing values); y: a class 0..classes-1 from thresholds
// and an interaction, or (classes = 0) a value.
struct Data {
  Features X;
  std::vector<double> y;
};
Data Generated(int classes, uint64_t seed = 5) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> cols(6);
  std::vector<double> y;
  for (int i = 0; i < 3000; ++i) {
    for (auto& c : cols) c.push_back(normal(rng));
    if (i % 7 == 0) cols[3].back() = kNaN;
    const double z = (cols[0].back() > 0.3) + cols[1].back() * cols[2].back() + 0.5 * normal(rng) +
                     (std::isnan(cols[3].back()) ? 1.0 : 0.0);
    if (classes == 0) {
      y.push_back(z);
    } else {
      y.push_back(static_cast<double>(std::clamp(static_cast<int>(std::floor(z + 1.0)), 0, classes - 1)));
    }
  }
  return {Columns(cols), y};
}

std::vector<std::string> Names(int k) {
  std::vector<std::string> names;
  for (int c = 0; c < k; ++c) names.push_back("c" + std::to_string(c));
  return names;
}

// The fitted state's JSON text on `threads` threads, limited as fit's --threads limits them.
std::string FitOn(int threads, const std::string& kind, const Json& params, int classes, const Data& d) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena arena(threads);
  std::string text;
  arena.execute([&] {
    auto model = MakeEstimator(kind, params);
    if (classes > 0) model->SetClasses(Names(classes));
    model->Fit(d.X, d.y);
    text = model->SaveState().dump();
  });
  return text;
}

// (100 trees: tbb splits fewer trees into ranges of one tree each on 1 thread as on 2, and
// would not show a builder's state carried from one tree to the next.)
TEST(RandomForest, SameModelOnOneAndTwoThreads) {
  const Json params = {{"n_estimators", 100}, {"random_state", 7}};
  for (int classes : {0, 2, 4}) {
    const Data d = Generated(classes);
    const std::string kind = classes == 0 ? "random_forest_regressor" : "random_forest_classifier";
    const std::string one = FitOn(1, kind, params, classes, d);
    EXPECT_EQ(one, FitOn(2, kind, params, classes, d)) << kind << " with " << classes << " classes";
    // The seed matters: another random_state gives other trees.
    Json other = params;
    other["random_state"] = 8;
    EXPECT_NE(one, FitOn(2, kind, other, classes, d)) << kind;
  }
}

TEST(RandomForest, EachTreeDependsOnlyOnTheSeedAndItsIndex) {
  // The first m trees of a forest of 100 are the forest of m trees, on 1 thread or 2: nothing
  // is carried from one tree to the next, whichever thread grows which trees.
  const Data d = Generated(2);
  const Json all = Json::parse(FitOn(2, "random_forest_classifier", {{"n_estimators", 100}}, 2, d));
  for (int threads : {1, 2}) {
    for (int m : {3, 50, 99}) {
      const Json some = Json::parse(FitOn(threads, "random_forest_classifier", {{"n_estimators", m}}, 2, d));
      ASSERT_EQ(some["trees"].size(), static_cast<size_t>(m));
      for (int t = 0; t < m; ++t)
        ASSERT_EQ(some["trees"][t], all["trees"][t]) << "tree " << t << " of " << m << " on " << threads << " thread(s)";
    }
  }
}

TEST(RandomForest, OneTreeOnAllRowsSplitsAtTheBinEdgeAndPredictsTheClass) {
  // y = 1 from x0 = 60 on; x1 is noise. Every row, every feature: the first split is
  // x0 <= 59.5 (the midpoint of the two values, the bin edge), and the leaves are pure.
  std::vector<double> x0, x1, y;
  for (int i = 0; i < 100; ++i) {
    x0.push_back(i);
    x1.push_back((i * 37) % 11);
    y.push_back(i >= 60 ? 1.0 : 0.0);
  }
  auto model = MakeEstimator("random_forest_classifier",
                             {{"n_estimators", 1}, {"bootstrap", false}, {"max_features", 1.0}});
  model->Fit(Columns({x0, x1}), y);
  const Json state = model->SaveState();
  EXPECT_EQ(state["link"], "average");
  EXPECT_EQ(state["trees"].size(), 1u);
  const Json& tree = state["trees"][0];
  EXPECT_EQ(tree["feature"], Json::array({0, -1, -1})) << tree;
  EXPECT_EQ(tree["threshold"][0].get<double>(), 59.5);
  std::vector<double> p(3);
  model->Predict(Columns({{59.5, 59.6, kNaN}, {0, 0, 0}}), p.data());
  EXPECT_EQ(p[0], 0.0);
  EXPECT_EQ(p[1], 1.0);
  EXPECT_EQ(p[2], 0.0) << "no missing values at fit: a missing value goes where most rows went";
  EXPECT_EQ(model->FitInfo()["leaves"], 2);
  EXPECT_EQ(model->FitInfo()["mean_depth"], 1.0);
}

TEST(RandomForest, LeavesHoldWeightedClassFractionsAndMeans) {
  // A root that may not be split (min_samples_split above the rows): the leaf is the (class-
  // weighted) fraction of class 1, or the mean.
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<double> y = {0, 0, 0, 0, 0, 0, 1, 1};
  const Json leaf_only = {{"n_estimators", 3}, {"bootstrap", false}, {"min_samples_split", 100}};
  std::vector<double> p(1);
  auto plain = MakeEstimator("random_forest_classifier", leaf_only);
  plain->Fit(Columns({x}), y);
  plain->Predict(Columns({{4}}), p.data());
  EXPECT_DOUBLE_EQ(p[0], 0.25);
  Json balanced = leaf_only;
  balanced["class_weight"] = "balanced";
  auto b = MakeEstimator("random_forest_classifier", balanced);
  b->SetClasses({"no", "yes"});
  b->Fit(Columns({x}), y);
  b->Predict(Columns({{4}}), p.data());
  EXPECT_DOUBLE_EQ(p[0], 0.5);
  Json table = leaf_only;
  table["class_weight"] = {{"yes", 3.0}};
  auto t = MakeEstimator("random_forest_classifier", table);
  t->SetClasses({"no", "yes"});
  t->Fit(Columns({x}), y);
  t->Predict(Columns({{4}}), p.data());
  EXPECT_DOUBLE_EQ(p[0], 6.0 / 12.0);
  auto r = MakeEstimator("random_forest_regressor", leaf_only);
  r->Fit(Columns({x}), x);
  r->Predict(Columns({{0}}), p.data());
  EXPECT_DOUBLE_EQ(p[0], 4.5);
}

TEST(RandomForest, MissingValuesGoToTheSideLearnedAtFit) {
  std::vector<double> x0, y;
  for (int i = 0; i < 90; ++i) {
    const bool missing = i % 3 == 0;
    x0.push_back(missing ? kNaN : i);
    y.push_back(missing || i >= 70 ? 1.0 : 0.0);
  }
  auto model = MakeEstimator("random_forest_classifier", {{"n_estimators", 20}});
  model->Fit(Columns({x0}), y);
  std::vector<double> p(3);
  model->Predict(Columns({{kNaN, 10, 80}}), p.data());
  EXPECT_GT(p[0], 0.9);
  EXPECT_LT(p[1], 0.1);
  EXPECT_GT(p[2], 0.9);
}

TEST(RandomForest, KClassesGiveKProbabilitiesThatSurviveSaveAndLoad) {
  const Data d = Generated(3);
  auto model = MakeEstimator("random_forest_classifier", {{"n_estimators", 10}, {"max_depth", 6}});
  model->SetClasses({"a", "b", "c"});
  EXPECT_EQ(model->n_outputs(), 3);
  model->Fit(d.X, d.y);
  const Json info = model->FitInfo();
  EXPECT_EQ(info["trees"], 10);
  EXPECT_LE(info["mean_depth"].get<double>(), 6.0);
  EXPECT_EQ(model->SaveState()["trees"].size(), 30u) << "each tree stored once per class";
  std::vector<double> p(d.X.rows * 3);
  model->Predict(d.X, p.data());
  int64_t right = 0;
  for (int64_t i = 0; i < d.X.rows; ++i) {
    EXPECT_NEAR(p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 1.0, 1e-12);
    const int best = static_cast<int>(std::max_element(p.begin() + 3 * i, p.begin() + 3 * i + 3) - p.begin() - 3 * i);
    right += best == d.y[i];
  }
  EXPECT_GT(right, d.X.rows * 6 / 10);
  auto loaded = MakeEstimator("random_forest_classifier", model->params());
  loaded->LoadState(Json::parse(model->SaveState().dump()));
  EXPECT_EQ(loaded->n_outputs(), 3);
  std::vector<double> q(p.size());
  loaded->Predict(d.X, q.data());
  EXPECT_EQ(std::memcmp(p.data(), q.data(), sizeof(double) * p.size()), 0);
}

// Runs `fn`, which must throw `code` with `text` in its message.
template <typename Fn>
void ExpectError(ErrorCode code, const std::string& text, Fn fn) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(RandomForest, OddParametersAreRefusedNamingThem) {
  const std::string c = "random_forest_classifier", r = "random_forest_regressor";
  const std::vector<std::pair<Json, std::string>> bad = {
      {{{"max_features", "cbrt"}}, "'max_features' must be \"sqrt\", \"log2\""},
      {{{"max_features", "auto"}}, "'max_features'"},
      {{{"max_features", 0}}, "'max_features' must be a number > 0"},
      {{{"max_features", -2}}, "'max_features'"},
      {{{"max_features", 1.5}}, "as a fraction must be in (0, 1]"},
      {{{"max_features", 0.0}}, "'max_features' must be a number > 0"},
      {{{"max_features", 0.5}, {"max_samples", 2.5}}, "'max_samples' must be a count of at least 1"},
      {{{"max_samples", 0.5}, {"bootstrap", false}}, "cannot be set with bootstrap = false"},
      {{{"max_samples", "half"}}, "'max_samples' must be a count"},
      {{{"max_samples", 0}}, "'max_samples'"},
      {{{"max_samples", 1.01}}, "'max_samples'"},
      {{{"n_estimators", 0}}, "'n_estimators'"},
      {{{"min_samples_split", 1}}, "'min_samples_split'"},
      {{{"min_samples_leaf", 0}}, "'min_samples_leaf'"},
      {{{"max_depth", 0}}, "'max_depth'"},
      {{{"max_bins", 256}}, "'max_bins'"},
      {{{"min_weight_fraction_leaf", 0.6}}, "'min_weight_fraction_leaf'"},
      {{{"random_state", -1}}, "'random_state'"},
      {{{"criterion", "entropy"}}, "'criterion'"},
  };
  for (const auto& entry : bad) {  // (no structured binding: clang 14 cannot capture one)
    const Json& params = entry.first;
    const std::string& text = entry.second;
    ExpectError(ErrorCode::kModel, text, [&] { MakeEstimator(c, params); });
    if (!params.contains("class_weight")) ExpectError(ErrorCode::kModel, text, [&] { MakeEstimator(r, params); });
  }
  ExpectError(ErrorCode::kModel, "'class_weight'", [&] { MakeEstimator(r, {{"class_weight", "balanced"}}); });
  // Counts past the data are refused at fit, naming what there is.
  const Data d = Generated(2);
  ExpectError(ErrorCode::kInvalidInput, "max_features = 7 is more than the 6 features",
              [&] { MakeEstimator(c, {{"max_features", 7}})->Fit(d.X, d.y); });
  ExpectError(ErrorCode::kInvalidInput, "max_samples = 3001 is more than the 3000 training rows",
              [&] { MakeEstimator(c, {{"max_samples", 3001}})->Fit(d.X, d.y); });
  ExpectError(ErrorCode::kInvalidInput, "class_weight names 'maybe'", [&] {
    auto m = MakeEstimator(c, {{"class_weight", {{"maybe", 2.0}}}});
    m->SetClasses({"no", "yes"});
    m->Fit(d.X, d.y);
  });
  ExpectError(ErrorCode::kInvalidInput, "every training row weight 0", [&] {
    auto m = MakeEstimator(c, {{"class_weight", {{"no", 0.0}, {"yes", 0.0}}}});
    m->SetClasses({"no", "yes"});
    m->Fit(d.X, d.y);
  });
}

TEST(RandomForest, OddButValidParametersFit) {
  const Data d = Generated(2);
  for (const Json& params : {Json{{"max_features", 1}}, Json{{"max_features", "log2"}}, Json{{"max_features", 6}},
                             Json{{"max_features", 0.01}}, Json{{"max_samples", 1}}, Json{{"max_samples", 0.1}},
                             Json{{"max_depth", 1}, {"n_estimators", 1}}, Json{{"max_bins", 2}},
                             Json{{"min_samples_leaf", 2000}}, Json{{"min_weight_fraction_leaf", 0.5}}, Json{{"class_weight", {{"1", 0.0}}}}}) {
    auto m = MakeEstimator("random_forest_classifier", params);
    m->SetClasses({"0", "1"});
    m->Fit(d.X, d.y);
    std::vector<double> p(d.X.rows);
    m->Predict(d.X, p.data());
    for (double v : p) ASSERT_TRUE(v >= 0 && v <= 1) << params << ": " << v;
  }
  // No features at all: every tree is one leaf, the class fraction.
  auto m = MakeEstimator("random_forest_classifier", {{"bootstrap", false}});
  Features none;
  none.rows = 4;
  m->Fit(none, {0, 1, 1, 1});
  double p = 0;
  none.rows = 1;
  m->Predict(none, &p);
  EXPECT_DOUBLE_EQ(p, 0.75);
}

TEST(RandomForest, BadTargetsAreRefused) {
  const std::string c = "random_forest_classifier", r = "random_forest_regressor";
  ExpectError(ErrorCode::kInvalidInput, "only one class",
              [&] { MakeEstimator(c, Json::object())->Fit(Columns({{1, 2, 3}}), {1, 1, 1}); });
  ExpectError(ErrorCode::kInvalidInput, "class 2 of 3 has no training rows", [&] {
    auto m = MakeEstimator(c, Json::object());
    m->SetClasses({"a", "b", "c"});
    m->Fit(Columns({{1, 2, 3}}), {0, 1, 1});
  });
  ExpectError(ErrorCode::kInvalidInput, "class index from 0 to 1, got 2",
              [&] { MakeEstimator(c, Json::object())->Fit(Columns({{1, 2, 3}}), {0, 1, 2}); });
  for (const std::string& kind : {c, r}) {
    ExpectError(ErrorCode::kInvalidInput, "missing or infinite at row 1",
                [&] { MakeEstimator(kind, Json::object())->Fit(Columns({{1, 2, 3}}), {0, kNaN, 1}); });
    ExpectError(ErrorCode::kInvalidInput, "missing or infinite at row 2", [&] {
      MakeEstimator(kind, Json::object())->Fit(Columns({{1, 2, 3}}), {0, 1, std::numeric_limits<double>::infinity()});
    });
    ExpectError(ErrorCode::kInvalidInput, "cannot fit on zero rows",
                [&] { MakeEstimator(kind, Json::object())->Fit(Columns({{}}), {}); });
    ExpectError(ErrorCode::kInvalidInput, "2 target values for 3 rows",
                [&] { MakeEstimator(kind, Json::object())->Fit(Columns({{1, 2, 3}}), {0, 1}); });
    ExpectError(ErrorCode::kModel, "Predict called before Fit", [&] {
      double out;
      MakeEstimator(kind, Json::object())->Predict(Columns({{1}}), &out);
    });
  }
  ExpectError(ErrorCode::kInvalidInput, "2 to 1000 classes",
              [&] { MakeEstimator(c, Json::object())->SetClasses({"only"}); });
}

TEST(RandomForest, StatesOfAnotherFormAreRefused) {
  const Data d = Generated(2);
  auto model = MakeEstimator("random_forest_classifier", {{"n_estimators", 2}, {"max_depth", 2}});
  model->Fit(d.X, d.y);
  const Json good = model->SaveState();
  auto load = [&](const std::string& kind, const Json& state) { MakeEstimator(kind, Json::object())->LoadState(state); };
  load("random_forest_classifier", good);
  load("random_forest_regressor", good);  // one output of average trees: a regressor's form too
  Json sigmoid = good;
  sigmoid["link"] = "sigmoid";
  ExpectError(ErrorCode::kModel, "has link \"average\"", [&] { load("random_forest_classifier", sigmoid); });
  Json probability = good;
  probability["trees"][1]["value"][probability["trees"][1]["value"].size() - 1] = 1.5;
  ExpectError(ErrorCode::kModel, "a class probability must be in [0, 1]",
              [&] { load("random_forest_classifier", probability); });
  Json two = good;
  two["n_outputs"] = 2;
  two["base_score"] = {0.0, 0.0};
  ExpectError(ErrorCode::kModel, "one per class (three or more)", [&] { load("random_forest_classifier", two); });
  Json lonely = good;
  lonely["n_outputs"] = 3;
  lonely["base_score"] = {0.0, 0.0, 0.0};
  ExpectError(ErrorCode::kModel, "output 1 has no tree", [&] { load("random_forest_classifier", lonely); });
  ExpectError(ErrorCode::kModel, "one output", [&] { load("random_forest_regressor", lonely); });
}

// A k-class forest's file must hold what Fit writes: each tree as k trees of one structure in
// a row, groups 0..k-1, leaves' class fractions summing to 1 (found by the model fuzzer: any
// leaf values in [0, 1] made rows whose probabilities did not sum to 1).
TEST(RandomForest, KClassTreeGroupsAreChecked) {
  const Data d = Generated(3);
  auto model = MakeEstimator("random_forest_classifier", {{"n_estimators", 2}, {"max_depth", 3}});
  model->SetClasses({"a", "b", "c"});
  model->Fit(d.X, d.y);
  const Json good = model->SaveState();
  auto load = [&](const Json& state) { MakeEstimator("random_forest_classifier", Json::object())->LoadState(state); };
  load(good);
  Json short_group = good;
  short_group["trees"].erase(short_group["trees"].size() - 1);
  ExpectError(ErrorCode::kModel, "holds its trees in groups of 3, one per class; there are 5",
              [&] { load(short_group); });
  Json swapped = good;
  swapped["trees"][0]["group"] = 1;
  swapped["trees"][1]["group"] = 0;
  ExpectError(ErrorCode::kModel, "state.trees[0]: group must be 0", [&] { load(swapped); });
  Json reshaped = good;
  reshaped["trees"][1]["threshold"][0] = reshaped["trees"][1]["threshold"][0].get<double>() + 1;
  ExpectError(ErrorCode::kModel, "state.trees[1]: not the structure of trees[0]", [&] { load(reshaped); });
  Json unsummed = good;
  const Json& feature = unsummed["trees"][3]["feature"];
  size_t leaf = 0;
  while (feature[leaf].get<int>() >= 0) ++leaf;
  const double v = unsummed["trees"][3]["value"][leaf].get<double>();
  unsummed["trees"][3]["value"][leaf] = v > 0.5 ? v - 0.25 : v + 0.25;  // still in [0, 1]
  ExpectError(ErrorCode::kModel, "state.trees[3]: the class fractions of leaf " + std::to_string(leaf) + " sum to",
              [&] { load(unsummed); });
}

// The model fuzzer's find: a forest file with a base score of 1 for one class loaded, and its
// rows' probabilities for that class were above 1.
TEST(RandomForest, BaseScoreMustBeZero) {
  for (int classes : {2, 3}) {
    const Data d = Generated(classes);
    auto model = MakeEstimator("random_forest_classifier", {{"n_estimators", 2}, {"max_depth", 3}});
    model->SetClasses(classes == 2 ? std::vector<std::string>{"a", "b"} : std::vector<std::string>{"a", "b", "c"});
    model->Fit(d.X, d.y);
    Json shifted = model->SaveState();
    shifted["base_score"][0] = 1.0;
    ExpectError(ErrorCode::kModel, "state.base_score[0]: a forest's base score is 0", [&] {
      MakeEstimator("random_forest_classifier", Json::object())->LoadState(shifted);
    });
  }
}

}  // namespace
}  // namespace outcore
