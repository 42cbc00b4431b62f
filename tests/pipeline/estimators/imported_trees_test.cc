// tree_ensemble_classifier and tree_ensemble_regressor: the kinds that hold trees converted
// from other libraries. They load any ensemble a classifier or regressor can mean (either
// comparison rule), refuse the rest naming the JSON path, score like the TreeEnsemble they
// hold, and are never fitted.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/pipeline.h"
#include "pipeline/estimators/tree_ensemble.h"

namespace outcore {
namespace {

// One stump on feature 0 at `threshold` per output, leaves (left, right) per output.
TreeEnsemble Stumps(int32_t outputs, TreeLink link, SplitCompare compare, double threshold,
                    const std::vector<std::pair<double, double>>& leaves) {
  TreeEnsemble e;
  e.n_features = 1, e.n_outputs = outputs, e.link = link, e.compare = compare;
  e.base_score.assign(outputs, 0.0);
  for (size_t t = 0; t < leaves.size(); ++t) {
    Tree tree;
    tree.group = static_cast<int32_t>(t % outputs);
    TreeNode root, left, right;
    root.feature = 0, root.threshold = threshold, root.left = 1, root.right = 2, root.missing_left = true;
    left.value = leaves[t].first, right.value = leaves[t].second;
    tree.nodes = {root, left, right};
    e.trees.push_back(tree);
  }
  return e;
}

std::string LoadError(const std::string& kind, const Json& state) {
  try {
    MakeLoadedEstimator(kind, Json::object())->LoadState(state);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Features OneFeature(const std::vector<double>& x) {
  Features f;
  f.rows = static_cast<int64_t>(x.size());
  f.names = {"x"};
  f.values = x;
  return f;
}

TEST(ImportedTrees, ScoreWhatTheirEnsembleScoresWithEitherComparison) {
  // 0.1 is not a float: XGBoost's rule compares float(x) < float(0.1), so x = 0.1 (rounded to
  // the same float) goes right, and 0.09999999 (a float below) goes left.
  for (SplitCompare compare : {SplitCompare::kLessEqual, SplitCompare::kLessFloat32}) {
    TreeEnsemble e = Stumps(1, TreeLink::kSigmoid, compare, 0.1, {{-1.0, 2.0}});
    e.base_score = {0.25};
    std::unique_ptr<Estimator> est = MakeLoadedEstimator("tree_ensemble_classifier", Json::object());
    est->LoadState(TreeEnsembleToJson(e));
    EXPECT_TRUE(est->is_classifier());
    EXPECT_EQ(est->n_outputs(), 1);
    const Features X = OneFeature({0.1, 0.0999999, std::nan("")});
    std::vector<double> got(3), want(3);
    est->Predict(X, got.data());
    e.Predict(X, want.data());
    EXPECT_EQ(got, want);
    const double left = 1 / (1 + std::exp(-(0.25 - 1.0))), right = 1 / (1 + std::exp(-(0.25 + 2.0)));
    EXPECT_DOUBLE_EQ(got[0], compare == SplitCompare::kLessEqual ? left : right);
    EXPECT_DOUBLE_EQ(got[1], left);
    EXPECT_DOUBLE_EQ(got[2], left);  // missing goes left
    EXPECT_EQ(est->SaveState(), TreeEnsembleToJson(e));
  }
}

TEST(ImportedTrees, AveragedClassifiersAndRegressorsLoad) {
  TreeEnsemble forest = Stumps(3, TreeLink::kAverage, SplitCompare::kLessEqual, 0.5,
                               {{0.5, 0.0}, {0.25, 1.0}, {0.25, 0.0}});
  std::unique_ptr<Estimator> est = MakeLoadedEstimator("tree_ensemble_classifier", Json::object());
  est->LoadState(TreeEnsembleToJson(forest));
  EXPECT_EQ(est->n_outputs(), 3);
  std::vector<double> p(3);
  est->Predict(OneFeature({1.0}), p.data());
  EXPECT_EQ(p, (std::vector<double>{0.0, 1.0, 0.0}));

  TreeEnsemble reg = Stumps(1, TreeLink::kIdentity, SplitCompare::kLessFloat32, 3.0, {{10.0, 20.0}, {1.0, 2.0}});
  reg.base_score = {0.5};
  est = MakeLoadedEstimator("tree_ensemble_regressor", Json::object());
  est->LoadState(TreeEnsembleToJson(reg));
  EXPECT_FALSE(est->is_classifier());
  std::vector<double> y(1);
  est->Predict(OneFeature({2.0}), y.data());
  EXPECT_EQ(y[0], 0.5 + 10.0 + 1.0);
}

TEST(ImportedTrees, RefuseWhatAClassifierOrRegressorCannotMeanNamingThePath) {
  // A regressor's link is identity or average.
  EXPECT_NE(LoadError("tree_ensemble_regressor",
                      TreeEnsembleToJson(Stumps(1, TreeLink::kSigmoid, SplitCompare::kLessEqual, 0, {{0, 1}}))),
            "");
  // A classifier's raw scores need a link that makes probabilities.
  EXPECT_NE(LoadError("tree_ensemble_classifier",
                      TreeEnsembleToJson(Stumps(1, TreeLink::kIdentity, SplitCompare::kLessEqual, 0, {{0, 1}}))),
            "");
  // Softmax over two outputs: a binary classifier has one.
  EXPECT_NE(LoadError("tree_ensemble_classifier",
                      TreeEnsembleToJson(Stumps(2, TreeLink::kSoftmax, SplitCompare::kLessEqual, 0, {{0, 1}, {1, 0}}))),
            "");
  // An averaged classifier's leaves are probabilities, and its k-tuples sum to 1.
  EXPECT_NE(LoadError("tree_ensemble_classifier",
                      TreeEnsembleToJson(Stumps(1, TreeLink::kAverage, SplitCompare::kLessEqual, 0, {{0, 1.5}})))
                .find("state.trees[0].value[2]"),
            std::string::npos);
  EXPECT_NE(LoadError("tree_ensemble_classifier",
                      TreeEnsembleToJson(Stumps(3, TreeLink::kAverage, SplitCompare::kLessEqual, 0,
                                                {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}})))
                .find("sum to"),
            std::string::npos);
  // A shifted average would leave [0, 1].
  TreeEnsemble shifted = Stumps(1, TreeLink::kAverage, SplitCompare::kLessEqual, 0, {{0, 1}});
  shifted.base_score = {1};
  EXPECT_NE(LoadError("tree_ensemble_classifier", TreeEnsembleToJson(shifted)).find("state.base_score[0]"),
            std::string::npos);
}

TEST(ImportedTrees, AreNeverFittedAndASpecCannotNameThem) {
  std::unique_ptr<Estimator> est = MakeLoadedEstimator("tree_ensemble_regressor", Json::object());
  EXPECT_THROW(est->Fit(OneFeature({1.0}), {1.0}), Error);
  try {
    MakeEstimator("tree_ensemble_classifier", Json::object());
    FAIL() << "a spec's model may not be an imported kind";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("converted from another library"), std::string::npos) << e.what();
  }
  // They take no parameters.
  EXPECT_THROW(MakeLoadedEstimator("tree_ensemble_classifier", Json{{"max_iter", 3}}), Error);
  for (const auto& r : EstimatorRegistry()) EXPECT_NE(r.kind.rfind("tree_ensemble_", 0), 0u) << r.kind;
}

}  // namespace
}  // namespace outcore
