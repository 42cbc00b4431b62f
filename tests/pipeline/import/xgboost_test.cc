// The XGBoost JSON converter on hand-written documents in XGBoost's format: the trees it makes
// (pruned nodes left out, ids kept), base scores per objective, float32 thresholds, and each
// refusal naming its JSON path. Agreement with XGBoost itself is checked against the real
// library in tests/e2e/xgboost_import.sh and tests/python/test_from_xgboost.py.
#include "pipeline/import/xgboost.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "outcore/error.h"

namespace outcore {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// A tree as XGBoost 1.7 writes it: node 0 splits feature 0 at 0.5 (missing left) into leaf 1
// (-0.25) and node 2, which splits feature 1 at 0.1 (missing right) into leaves 3 (0.5) and
// 4 (0.75).
Json XTree(int id) {
  Json t = {{"id", id},
            {"tree_param", {{"num_nodes", "5"}, {"num_deleted", "0"}, {"num_feature", "2"}, {"size_leaf_vector", "0"}}},
            {"left_children", {1, -1, 3, -1, -1}},
            {"right_children", {2, -1, 4, -1, -1}},
            {"parents", {2147483647, 0, 0, 2, 2}},
            {"split_indices", {0, 0, 1, 0, 0}},
            {"split_conditions", {0.5, -0.25, 0.1, 0.5, 0.75}},
            {"default_left", {1, 0, 0, 0, 0}},
            {"split_type", {0, 0, 0, 0, 0}},
            {"base_weights", {0, 0, 0, 0, 0}},
            {"loss_changes", {0, 0, 0, 0, 0}},
            {"sum_hessian", {1, 1, 1, 1, 1}},
            {"categories", Json::array()},
            {"categories_nodes", Json::array()},
            {"categories_segments", Json::array()},
            {"categories_sizes", Json::array()}};
  return t;
}

Json XModel(const std::string& objective, int trees = 1, int num_class = 0, const std::string& base = "5E-1") {
  Json list = Json::array(), info = Json::array();
  for (int t = 0; t < trees; ++t) {
    list.push_back(XTree(t));
    info.push_back(num_class > 0 ? t % num_class : 0);
  }
  return {{"version", {1, 7, 4}},
          {"learner",
           {{"attributes", Json::object()},
            {"feature_names", {"a", "b"}},
            {"feature_types", {"float", "float"}},
            {"gradient_booster",
             {{"name", "gbtree"},
              {"model",
               {{"gbtree_model_param", {{"num_parallel_tree", "1"}, {"num_trees", std::to_string(trees)}, {"size_leaf_vector", "0"}}},
                {"tree_info", info},
                {"trees", list}}}}},
            {"learner_model_param",
             {{"base_score", base}, {"boost_from_average", "1"}, {"num_class", std::to_string(num_class)},
              {"num_feature", "2"}, {"num_target", "1"}}},
            {"objective", {{"name", objective}}}}}};
}

Features Rows(const std::vector<std::vector<double>>& rows) {
  Features f;
  f.rows = static_cast<int64_t>(rows.size());
  f.names = {"a", "b"};
  f.values.resize(rows.size() * 2);
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < 2; ++j) f.values[j * rows.size() + i] = rows[i][j];
  return f;
}

std::string ErrorOf(const Json& doc) {
  try {
    ConvertXGBoost(doc, "m.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModel);
    return e.what();
  }
  return "(no error)";
}

TEST(XGBoostImport, RegressionTreeAndBaseScore) {
  XGBoostModel m = ConvertXGBoost(XModel("reg:squarederror", 1, 0, "2.5E0"), "m.json");
  EXPECT_EQ(m.objective, "reg:squarederror");
  EXPECT_EQ(m.version, "1.7.4");
  EXPECT_FALSE(m.classifier());
  EXPECT_EQ(m.feature_names, (std::vector<std::string>{"a", "b"}));
  const TreeEnsemble& e = m.ensemble;
  EXPECT_EQ(e.link, TreeLink::kIdentity);
  EXPECT_EQ(e.compare, SplitCompare::kLessFloat32);
  ASSERT_EQ(e.base_score, std::vector<double>{2.5});
  ASSERT_EQ(e.trees.size(), 1u);
  const Tree& t = e.trees[0];
  ASSERT_EQ(t.nodes.size(), 5u);
  EXPECT_EQ(t.nodes[0].feature, 0);
  EXPECT_TRUE(t.nodes[0].missing_left);
  EXPECT_FALSE(t.nodes[2].missing_left);
  EXPECT_EQ(t.nodes[1].value, -0.25);
  // Thresholds are XGBoost's float32 numbers: 0.1 becomes float(0.1).
  EXPECT_EQ(t.nodes[2].threshold, static_cast<double>(0.1f));
  EXPECT_EQ(m.node_ids[0], (std::vector<int32_t>{0, 1, 2, 3, 4}));

  // x < 0.5 or missing -> -0.25; else b < 0.1 -> 0.5; else (or b missing) 0.75.
  std::vector<double> out(6);
  e.Predict(Rows({{0.4, 0}, {kNaN, 5}, {0.5, 0.0}, {0.7, kNaN}, {0.7, 0.1}, {0.7, static_cast<double>(0.1f) - 1e-12}}),
            out.data());
  EXPECT_EQ(out[0], 2.25);
  EXPECT_EQ(out[1], 2.25);
  EXPECT_EQ(out[2], 3.0);
  EXPECT_EQ(out[3], 3.25);
  EXPECT_EQ(out[4], 3.25);  // 0.1 is not below float(0.1)
  // Below float(0.1) in double, but float(x) == float(0.1): right, as XGBoost decides.
  EXPECT_EQ(out[5], 3.25);
}

TEST(XGBoostImport, BinaryLogisticBaseIsTheLogitInFloat32) {
  XGBoostModel m = ConvertXGBoost(XModel("binary:logistic", 2, 0, "3E-1"), "m.json");
  EXPECT_EQ(m.num_class, 2);
  EXPECT_EQ(m.ensemble.link, TreeLink::kSigmoid);
  ASSERT_EQ(m.ensemble.base_score.size(), 1u);
  EXPECT_EQ(m.ensemble.base_score[0], static_cast<double>(-std::log(1.0f / 0.3f - 1.0f)));
  EXPECT_EQ(m.TrainingRecord()["imported_from"]["objective"], "binary:logistic");
  EXPECT_EQ(m.TrainingRecord()["imported_from"]["num_trees"], 2);
  EXPECT_EQ(m.TrainingRecord()["imported_from"]["version"], "1.7.4");
  EXPECT_NE(ErrorOf(XModel("binary:logistic", 1, 0, "1")).find("learner.learner_model_param.base_score is 1.0: binary:logistic needs a probability"),
            std::string::npos);
}

TEST(XGBoostImport, SoftprobGroupsAndTwoClassesAsOneSigmoid) {
  XGBoostModel m = ConvertXGBoost(XModel("multi:softprob", 6, 3), "m.json");
  EXPECT_EQ(m.num_class, 3);
  EXPECT_EQ(m.ensemble.link, TreeLink::kSoftmax);
  EXPECT_EQ(m.ensemble.n_outputs, 3);
  for (int t = 0; t < 6; ++t) EXPECT_EQ(m.ensemble.trees[t].group, t % 3);

  // Two classes: P(class 1) = sigmoid(r1 - r0), with class 0's leaves negated.
  XGBoostModel two = ConvertXGBoost(XModel("multi:softprob", 4, 2), "m.json");
  EXPECT_EQ(two.ensemble.n_outputs, 1);
  EXPECT_EQ(two.ensemble.link, TreeLink::kSigmoid);
  Features x = Rows({{0.7, 0.0}, {0.2, kNaN}});
  std::vector<double> p(2);
  two.ensemble.Predict(x, p.data());
  // Every tree is the same, so r1 - r0 = 0 and P = 0.5.
  EXPECT_DOUBLE_EQ(p[0], 0.5);
  EXPECT_EQ(two.ensemble.trees[0].nodes[1].value, 0.25);
  EXPECT_EQ(two.ensemble.trees[1].nodes[1].value, -0.25);
}

// Rounds (iteration_range): a round of a 3-class softprob booster is 3 trees (times
// num_parallel_tree); best_iteration is read from learner.attributes; rounds outside the
// booster's are a usage error; trees that are not whole rounds are refused.
TEST(XGBoostImport, RoundsKeepWholeRoundsAndBestIterationIsRead) {
  Json doc = XModel("multi:softprob", 12, 3);
  auto& trees = doc["learner"]["gradient_booster"]["model"]["trees"];
  for (int t = 0; t < 12; ++t) trees[t]["split_conditions"][1] = -0.25 - t;  // tree t's first leaf
  doc["learner"]["attributes"] = {{"best_iteration", "1"}, {"best_score", "0.5"}};
  const XGBoostModel all = ConvertXGBoost(doc, "m.json");
  EXPECT_EQ(all.num_rounds, 4);
  EXPECT_EQ(all.best_iteration, 1);
  EXPECT_EQ(all.ensemble.trees.size(), 12u);
  const XGBoostModel some = ConvertXGBoost(doc, "m.json", {1, 3});
  ASSERT_EQ(some.ensemble.trees.size(), 6u);  // rounds 1 and 2: trees 3 to 8
  for (int t = 0; t < 6; ++t) {
    EXPECT_EQ(some.ensemble.trees[t].nodes[1].value, -0.25 - (t + 3));
    EXPECT_EQ(some.ensemble.trees[t].group, t % 3);
  }
  EXPECT_EQ(some.TrainingRecord()["imported_from"]["rounds"], Json::parse("[1, 3]"));
  EXPECT_EQ(some.TrainingRecord()["imported_from"]["best_iteration"], 1);
  EXPECT_EQ(some.TrainingRecord()["imported_from"]["num_rounds"], 4);
  for (XGBoostRounds bad : {XGBoostRounds{0, 5}, XGBoostRounds{3, 3}, XGBoostRounds{-1, 2}}) {
    try {
      ConvertXGBoost(doc, "m.json", bad);
      ADD_FAILURE() << "rounds " << bad.begin << ", " << bad.end << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUsage) << e.what();
      EXPECT_NE(std::string(e.what()).find("are not within the booster's 4 rounds (0 to 3)"), std::string::npos) << e.what();
    }
  }
  doc["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_parallel_tree"] = "5";
  EXPECT_NE(ErrorOf(doc).find("learner.gradient_booster.model.trees has 12 trees, not whole rounds of 15"), std::string::npos)
      << ErrorOf(doc);
  doc["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_parallel_tree"] = "2";
  doc["learner"]["attributes"]["best_iteration"] = "2";  // of 2 rounds (6 trees each)
  EXPECT_NE(ErrorOf(doc).find("learner.attributes.best_iteration is 2.0, not a whole number from 0 to 1"), std::string::npos)
      << ErrorOf(doc);
}

TEST(XGBoostImport, PrunedNodesAreLeftOutAndIdsKept) {
  Json doc = XModel("reg:squarederror");
  // Nodes 2 and 3 deleted (kept by XGBoost after pruning); the live nodes move to 4, 5, 6.
  Json& t = doc["learner"]["gradient_booster"]["model"]["trees"][0];
  t["tree_param"]["num_nodes"] = "7";
  t["left_children"] = {1, -1, -1, -1, 5, -1, -1};
  t["right_children"] = {4, -1, -1, -1, 6, -1, -1};
  t["split_indices"] = {0, 0, 2147483647, 2147483647, 1, 0, 0};
  t["split_conditions"] = {0.5, -0.25, 7, 7, 0.1, 0.5, 0.75};
  t["default_left"] = {1, 0, 0, 0, 0, 0, 0};
  t["split_type"] = {0, 0, 0, 0, 0, 0, 0};
  XGBoostModel m = ConvertXGBoost(doc, "m.json");
  ASSERT_EQ(m.ensemble.trees[0].nodes.size(), 5u);
  EXPECT_EQ(m.node_ids[0], (std::vector<int32_t>{0, 1, 4, 5, 6}));
  EXPECT_EQ(m.ensemble.trees[0].nodes[0].right, 2);
  EXPECT_EQ(m.ensemble.trees[0].nodes[2].left, 3);
  // The result passes the model loader's checks (every node reached once).
  TreeEnsemble back = TreeEnsembleFromJson("tree_ensemble_regressor", TreeEnsembleToJson(m.ensemble));
  EXPECT_EQ(back.trees[0].nodes.size(), 5u);
}

TEST(XGBoostImport, RefusalsNameTheJsonPath) {
  Json dart = XModel("binary:logistic");
  dart["learner"]["gradient_booster"]["name"] = "dart";
  EXPECT_NE(ErrorOf(dart).find("m.json: learner.gradient_booster.name is \"dart\""), std::string::npos) << ErrorOf(dart);
  Json linear = XModel("binary:logistic");
  linear["learner"]["gradient_booster"] = {{"name", "gblinear"}, {"model", Json::object()}};
  EXPECT_NE(ErrorOf(linear).find("learner.gradient_booster.name is \"gblinear\""), std::string::npos);
  EXPECT_NE(ErrorOf(XModel("reg:pseudohubererror")).find("learner.objective.name is \"reg:pseudohubererror\": outcore converts"),
            std::string::npos);
  EXPECT_NE(ErrorOf(XModel("multi:softmax", 3, 3)).find("multi:softprob grows the same trees"), std::string::npos);
}

// enable_categorical: node 2 splits feature 1 (b) on categories. XGBoost 1.7 sends a category
// its set holds right, any other value left (negative, beyond the set, fractions of other
// categories), a missing one to the default side; categories are those of float(x).
TEST(XGBoostImport, CategoricalSplitsHoldTheSetRightAndTheRestOfTheBitsetLeft) {
  Json doc = XModel("reg:squarederror");
  doc["learner"]["feature_types"][1] = "c";
  Json& t = doc["learner"]["gradient_booster"]["model"]["trees"][0];
  t["split_type"][2] = 1;
  t["split_conditions"][2] = nullptr;  // XGBoost writes NaN there
  t["default_left"][2] = 0;  // missing: right
  t["categories_nodes"] = {2};
  t["categories_segments"] = {0};
  t["categories_sizes"] = {3};
  t["categories"] = {40, 3, 7};
  const XGBoostModel m = ConvertXGBoost(doc, "m.json");
  const Tree& tree = m.ensemble.trees[0];
  ASSERT_TRUE(tree.nodes[2].is_categorical());
  const CategorySplit& split = tree.categories[tree.nodes[2].categories];
  EXPECT_EQ(split.right, (std::vector<int32_t>{3, 7, 40}));
  EXPECT_TRUE(split.left.empty());
  EXPECT_EQ(split.other, CategoryOther::kLeft);
  // a = 0.7 reaches node 2; leaves 3 (0.5, left) and 4 (0.75, right), base 0.5.
  std::vector<double> out(9);
  m.ensemble.Predict(Rows({{0.7, 3}, {0.7, 40}, {0.7, 4}, {0.7, 63}, {0.7, 64}, {0.7, -1}, {0.7, kNaN},
                           {0.7, 2.9999999999}, {0.7, 7.5}}), out.data());
  // 3, 40 right; 4, 63, 64, -1 left; missing right (default); 2.9999999999 is 3 as a float;
  // 7.5 is 7.
  EXPECT_EQ(out, (std::vector<double>{1.25, 1.25, 1.0, 1.0, 1.0, 1.0, 1.25, 1.25, 1.25}));
  // Through the model file and back.
  const TreeEnsemble back = TreeEnsembleFromJson("tree_ensemble_regressor", TreeEnsembleToJson(m.ensemble));
  std::vector<double> again(9);
  back.Predict(Rows({{0.7, 3}, {0.7, 40}, {0.7, 4}, {0.7, 63}, {0.7, 64}, {0.7, -1}, {0.7, kNaN},
                     {0.7, 2.9999999999}, {0.7, 7.5}}), again.data());
  EXPECT_EQ(again, out);

  Json missing = doc;
  missing["learner"]["gradient_booster"]["model"]["trees"][0]["categories_nodes"] = {9};
  EXPECT_NE(ErrorOf(missing).find("trees[0].categories_nodes[0] is 9, not a node of this tree"), std::string::npos) << ErrorOf(missing);
  Json unlisted = doc;
  unlisted["learner"]["gradient_booster"]["model"]["trees"][0]["categories_nodes"] = {0};
  EXPECT_NE(ErrorOf(unlisted).find("trees[0].split_type[2] is 1 (a categorical split), but categories_nodes does not list node 2"),
            std::string::npos) << ErrorOf(unlisted);
  Json big = doc;
  big["learner"]["gradient_booster"]["model"]["trees"][0]["categories"][0] = -2;
  EXPECT_NE(ErrorOf(big).find("trees[0].categories[0] is -2, not a category (0 to 2147483647)"),
            std::string::npos) << ErrorOf(big);
  Json twice = doc;
  twice["learner"]["gradient_booster"]["model"]["trees"][0]["categories"][0] = 3;
  EXPECT_NE(ErrorOf(twice).find("trees[0].categories_segments[0] lists a category twice"), std::string::npos);
  Json overrun = doc;
  overrun["learner"]["gradient_booster"]["model"]["trees"][0]["categories_sizes"] = {4};
  EXPECT_NE(ErrorOf(overrun).find("trees[0].categories_sizes[0] is 4, not a count of categories within the list (1 to 3)"),
            std::string::npos) << ErrorOf(overrun);
}

TEST(XGBoostImport, EveryIndexIsChecked) {
  auto with = [](const std::string& key, size_t i, const Json& value) {
    Json doc = XModel("reg:squarederror");
    doc["learner"]["gradient_booster"]["model"]["trees"][0][key][i] = value;
    return ErrorOf(doc);
  };
  const std::string tree = "learner.gradient_booster.model.trees[0].";
  EXPECT_NE(with("left_children", 0, 5).find(tree + "left_children[0] is 5, not -1 (a leaf) or a node"), std::string::npos);
  EXPECT_NE(with("right_children", 2, -1).find(tree + "right_children[2] is -1"), std::string::npos);
  EXPECT_NE(with("left_children", 2, 0).find(tree + "left_children[2] is 0, a node reached already"), std::string::npos);
  EXPECT_NE(with("split_indices", 2, 2).find(tree + "split_indices[2] is 2, not a feature of the model"), std::string::npos);
  EXPECT_NE(with("split_conditions", 1, 1e300).find(tree + "split_conditions[1] is 1e+300, not a finite float32"),
            std::string::npos);
  EXPECT_NE(with("split_conditions", 1, "x").find(tree + "split_conditions[1] must be a number"), std::string::npos);
  EXPECT_NE(with("default_left", 0, 2).find(tree + "default_left[0] is 2"), std::string::npos);

  Json short_array = XModel("reg:squarederror");
  short_array["learner"]["gradient_booster"]["model"]["trees"][0]["split_indices"].erase(0);
  EXPECT_NE(ErrorOf(short_array).find(tree + "split_indices has 4 entries, but tree_param.num_nodes is 5"), std::string::npos);
  Json group = XModel("multi:softprob", 3, 3);
  group["learner"]["gradient_booster"]["model"]["tree_info"][1] = 3;
  EXPECT_NE(ErrorOf(group).find("learner.gradient_booster.model.tree_info[1] is 3, not an output group"), std::string::npos);
  Json count = XModel("reg:squarederror");
  count["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_trees"] = "2";
  EXPECT_NE(ErrorOf(count).find("trees has 1 trees, but gbtree_model_param.num_trees is 2"), std::string::npos);
  Json names = XModel("reg:squarederror");
  names["learner"]["feature_names"] = {"a"};
  EXPECT_NE(ErrorOf(names).find("learner.feature_names has 1 names, but num_feature is 2"), std::string::npos);
  Json base = XModel("reg:squarederror", 1, 0, "half");
  EXPECT_NE(ErrorOf(base).find("learner.learner_model_param.base_score is \"half\", not a finite number"), std::string::npos);
  // XGBoost writes NaN for a non-finite float (JSON has no such word): read, then refused by path;
  // the same letters inside a string stay text.
  Json named = XModel("reg:squarederror");
  named["learner"]["feature_names"] = {"NaN", "Infinity\\\"NaN"};
  std::string text = named.dump();
  EXPECT_EQ(ConvertXGBoostText(text, "m.json").feature_names, (std::vector<std::string>{"NaN", "Infinity\\\"NaN"}));
  const std::string leaf = "\"split_conditions\":[0.5,-0.25,";
  ASSERT_NE(text.find(leaf), std::string::npos);
  text.replace(text.find(leaf), leaf.size(), "\"split_conditions\":[0.5,-NaN,");
  try {
    ConvertXGBoostText(text, "m.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(tree + "split_conditions[1] is not a number (NaN"), std::string::npos) << e.what();
  }
  try {
    ConvertXGBoostText("{\"version\": [1,", "m.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m.json: not an XGBoost JSON model"), std::string::npos);
  }
}

// Any tree arrays at all: the converter either refuses them with a kModel error or makes an
// ensemble the model loader accepts and that scores every row (no crash, no endless walk).
TEST(XGBoostImport, RandomTreeArraysAreRefusedOrSound) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> node(-2, 7), coin(0, 3), feature(-1, 2);
  Features x = Rows({{0.1, 0.2}, {kNaN, 1.0}, {0.9, kNaN}, {0.5, 0.1}});
  int converted = 0;
  for (int round = 0; round < 3000; ++round) {
    Json doc = XModel(round % 2 ? "multi:softprob" : "reg:squarederror", 2, round % 2 ? 2 : 0);
    for (int t = 0; t < 2; ++t) {
      Json& tree = doc["learner"]["gradient_booster"]["model"]["trees"][t];
      const int n = 1 + coin(rng) * 2;
      tree["tree_param"]["num_nodes"] = std::to_string(n);
      for (const char* key : {"left_children", "right_children", "split_indices", "split_conditions", "default_left", "split_type"})
        tree[key] = Json::array();
      for (int i = 0; i < n; ++i) {
        tree["left_children"].push_back(node(rng));
        tree["right_children"].push_back(node(rng));
        tree["split_indices"].push_back(feature(rng));
        tree["split_conditions"].push_back(coin(rng) * 0.25);
        tree["default_left"].push_back(coin(rng) % 2);
        tree["split_type"].push_back(coin(rng) == 3 ? 1 : 0);
      }
    }
    XGBoostModel m;
    try {
      m = ConvertXGBoost(doc, "m.json");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kModel);
      continue;
    }
    ++converted;
    TreeEnsemble back = TreeEnsembleFromJson("tree_ensemble_regressor", TreeEnsembleToJson(m.ensemble));
    std::vector<double> out(x.rows * back.n_outputs);
    back.Predict(x, out.data());
    for (double v : out) EXPECT_TRUE(std::isfinite(v));
  }
  EXPECT_GT(converted, 10);  // the sound ones were reached, not only refusals
}

}  // namespace
}  // namespace outcore
