// gradient_boosting_classifier with more than two classes and with class_weight, on tiny data
// whose answer is known: the baseline (class priors, weighted), one tree per class, the
// softmax, save and load, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/pipeline.h"

namespace outcore {
namespace {

Features Columns(const std::vector<std::vector<double>>& cols) {
  Features f;
  f.rows = cols.empty() ? 0 : static_cast<int64_t>(cols[0].size());
  for (size_t j = 0; j < cols.size(); ++j) {
    f.names.push_back("f" + std::to_string(j));
    f.values.insert(f.values.end(), cols[j].begin(), cols[j].end());
  }
  return f;
}

std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(GradientBoostingMulticlass, WithoutFeaturesPredictsTheClassPriors) {
  // Class shares 1/8, 2/8, 5/8: the baseline is their symmetric multinomial logit, so the
  // softmax gives them back (no tree can split a constant feature).
  const Features none = Columns({std::vector<double>(8, 0.0)});
  const std::vector<double> y = {0, 1, 1, 2, 2, 2, 2, 2};
  auto model = MakeEstimator("gradient_boosting_classifier", {{"max_iter", 3}});
  model->SetClasses({"a", "b", "c"});
  EXPECT_EQ(model->n_outputs(), 3);
  model->Fit(none, y);
  std::vector<double> p(8 * 3);
  model->Predict(none, p.data());
  EXPECT_NEAR(p[0], 1.0 / 8, 1e-12);
  EXPECT_NEAR(p[1], 2.0 / 8, 1e-12);
  EXPECT_NEAR(p[2], 5.0 / 8, 1e-12);
  const Json state = model->SaveState();
  double sum = 0;
  for (const auto& b : state["base_score"]) sum += b.get<double>();
  EXPECT_NEAR(sum, 0.0, 1e-12) << "the symmetric logit sums to 0";
  EXPECT_EQ(state["link"], "softmax");

  // class_weight = "balanced": every class weighs n / k in total, so the priors are equal.
  auto balanced = MakeEstimator("gradient_boosting_classifier", {{"max_iter", 3}, {"class_weight", "balanced"}});
  balanced->SetClasses({"a", "b", "c"});
  balanced->Fit(none, y);
  balanced->Predict(none, p.data());
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(p[c], 1.0 / 3, 1e-12);

  // A table: class b weighs 3.5, so b's share is 7 / (1 + 7 + 5).
  auto table = MakeEstimator("gradient_boosting_classifier", {{"max_iter", 3}, {"class_weight", {{"b", 3.5}}}});
  table->SetClasses({"a", "b", "c"});
  table->Fit(none, y);
  table->Predict(none, p.data());
  EXPECT_NEAR(p[1], 7.0 / 13, 1e-12);
}

TEST(GradientBoostingMulticlass, LearnsThreeBandsAndSurvivesSaveAndLoad) {
  // The class is the band of x0 (0-29, 30-59, 60-89); x1 is noise.
  std::vector<double> x0, x1, y;
  for (int i = 0; i < 90; ++i) {
    x0.push_back(i);
    x1.push_back((i * 37) % 11);
    y.push_back(i / 30);
  }
  auto model = MakeEstimator("gradient_boosting_classifier", {{"max_iter", 30}, {"min_samples_leaf", 5}});
  model->SetClasses({"low", "mid", "high"});
  model->Fit(Columns({x0, x1}), y);
  EXPECT_EQ(model->FitInfo()["trees"].get<int64_t>(), 3 * model->FitInfo()["iterations"].get<int64_t>());
  const Features probe = Columns({{10, 45, 80}, {0, 0, 0}});
  std::vector<double> p(9);
  model->Predict(probe, p.data());
  for (int r = 0; r < 3; ++r) {
    EXPECT_NEAR(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2], 1.0, 1e-12);
    EXPECT_GT(p[r * 3 + r], 0.9) << "row " << r;
  }
  auto loaded = MakeEstimator("gradient_boosting_classifier", model->params());
  loaded->LoadState(Json::parse(model->SaveState().dump()));
  EXPECT_EQ(loaded->n_outputs(), 3);
  std::vector<double> q(9);
  loaded->Predict(probe, q.data());
  EXPECT_EQ(std::memcmp(p.data(), q.data(), sizeof(double) * 9), 0);

  // The forms a file may have: a regressor refuses the classifier's state, a classifier one
  // with the wrong link for its outputs.
  Json state = model->SaveState();
  auto regressor = MakeEstimator("gradient_boosting_regressor", Json::object());
  EXPECT_NE(ErrorOf([&] { regressor->LoadState(state); }).find("has one output and link \"identity\""),
            std::string::npos);
  state["link"] = "sigmoid";
  EXPECT_NE(ErrorOf([&] { loaded->LoadState(state); }).find("the file gives 3 outputs, \"sigmoid\""), std::string::npos)
      << ErrorOf([&] { loaded->LoadState(state); });
}

TEST(GradientBoostingMulticlass, RefusesMissingClassesUnknownClassWeightKeysAndOneClass) {
  auto model = MakeEstimator("gradient_boosting_classifier", Json::object());
  model->SetClasses({"a", "b", "c"});
  EXPECT_NE(ErrorOf([&] { model->Fit(Columns({{1, 2, 3, 4}}), {0, 1, 0, 1}); }).find("class 2 of 3 has no training rows"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { model->Fit(Columns({{1, 2, 3}}), {0, 1, 3}); }).find("class index from 0 to 2"),
            std::string::npos);
  auto typo = MakeEstimator("gradient_boosting_classifier", {{"class_weight", {{"z", 2.0}}}});
  typo->SetClasses({"a", "b"});
  const std::string message = ErrorOf([&] { typo->Fit(Columns({{1, 2, 3, 4}}), {0, 1, 0, 1}); });
  EXPECT_NE(message.find("class_weight names 'z', which is not a class of the target (classes: 'a', 'b')"),
            std::string::npos)
      << message;
  EXPECT_NE(ErrorOf([&] { model->SetClasses({"a"}); }).find("a classifier needs 2 to 1000"), std::string::npos);
}

TEST(GradientBoostingClassWeight, BinaryWeightsMoveTheBaselineAndLeaveUnweightedFitsAlone) {
  // 1 positive in 4: the baseline is the log-odds of 1/4; class 1 weighing 3 makes it 1/2.
  const Features none = Columns({std::vector<double>(4, 0.0)});
  const std::vector<double> y = {0, 0, 1, 0};
  std::vector<double> p(4);
  auto plain = MakeEstimator("gradient_boosting_classifier", Json::object());
  plain->Fit(none, y);
  plain->Predict(none, p.data());
  EXPECT_NEAR(p[0], 0.25, 1e-12);
  auto weighted = MakeEstimator("gradient_boosting_classifier", {{"class_weight", {{"1", 3.0}}}});
  weighted->Fit(none, y);
  weighted->Predict(none, p.data());
  EXPECT_NEAR(p[0], 0.5, 1e-12);
  EXPECT_EQ(weighted->n_outputs(), 1);
  EXPECT_EQ(weighted->SaveState()["link"], "sigmoid");
}

}  // namespace
}  // namespace outcore
