// The ordinal step (scikit-learn's OrdinalEncoder): codes from the sorted values seen at fit or
// from a categories step's list, missing and unknown values, numbers as categories, on_unknown,
// and its state in a model file.
#include <gtest/gtest.h>

#include <cmath>

#include "outcore/error.h"
#include "outcore/fit.h"
#include "outcore/model.h"
#include "outcore/pipeline.h"
#include "test_util.h"

namespace outcore {
namespace {
using namespace testing;

// The f64 values of column `name`, NaN where missing.
std::vector<double> Values(const Batch& b, const std::string& name) {
  const Column& c = *b.Get(name);
  EXPECT_EQ(c.type, DataType::kF64) << name;
  std::vector<double> out(c.f64);
  for (int64_t i = 0; i < c.length; ++i)
    if (c.IsNull(i)) out[i] = std::nan("");
  return out;
}

void ExpectSame(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "value " << i << " is " << got[i] << ", not missing";
    } else {
      EXPECT_EQ(got[i], want[i]) << "value " << i;
    }
  }
}

const double kMissing = std::nan("");

// scikit-learn 1.2: OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1) fitted
// on s = [pear, apple, fig, apple] and n = [10, 3, 3, 7] has categories_ [apple, fig, pear] and
// [3, 7, 10] (numbers sorted by value, not as text); transform gives apple 0, pear 2, kiwi -1;
// 10 -> 2, 5 -> -1.
TEST(Ordinal, CodesAreTheSortedValuesPlacesAndUnknownValuesTheirCode) {
  Batch fit = MakeBatch({{"s", Str({"pear", "apple", "fig", "apple"})}, {"n", I64({10, 3, 3, 7})}});
  auto step = Fitted("ordinal", {{"columns", {"s", "n"}}, {"unknown_value", -1}}, {fit});
  TransformStats stats;
  Batch out = step->Transform(MakeBatch({{"s", Str({"apple", "pear", "kiwi", "<null>"})}, {"n", I64({10, 5, 3, 7})}}),
                              &stats);
  EXPECT_EQ(Names(out), (std::vector<std::string>{"s", "n"}));  // in place, same names
  ExpectSame(Values(out, "s"), {0, 2, -1, kMissing});            // missing stays missing
  ExpectSame(Values(out, "n"), {2, -1, 0, 1});
  EXPECT_EQ(stats.counters["ordinal:s:unknown"], 1);
  EXPECT_EQ(stats.counters["ordinal:n:unknown"], 1);
  EXPECT_EQ(step->SaveState(), Json::parse(R"({"columns": [{"column": "s", "categories": ["apple", "fig", "pear"]},
                                                            {"column": "n", "categories": ["3", "7", "10"]}]})"));
  // Unset unknown_value: unknown values are missing.
  auto plain = Fitted("ordinal", Json::object(), {fit});  // default columns: the string ones
  Batch p = plain->Transform(MakeBatch({{"s", Str({"fig", "kiwi"})}, {"n", I64({1, 2})}}), nullptr);
  ExpectSame(Values(p, "s"), {1, kMissing});
  EXPECT_EQ(p.Get("n")->type, DataType::kI64);  // not an ordinal column
  EXPECT_FALSE(plain->params().contains("unknown_value"));
}

TEST(Ordinal, DeclaredCategoriesKeepTheirOrderSeenOrNot) {
  Batch b = MakeBatch({{"p", Cat({"y", "x", "y"})}});
  auto cats = Fitted("categories", {{"categories", {{"p", {"z", "y", "x", "w"}}}}}, {b});
  Batch fixed = cats->Transform(b, nullptr);
  auto step = Fitted("ordinal", Json::object(), {fixed});
  Batch out = step->Transform(cats->Transform(MakeBatch({{"p", Cat({"w", "x", "q"})}}), nullptr), nullptr);
  ExpectSame(Values(out, "p"), {3, 2, kMissing});
}

TEST(Ordinal, OnUnknownErrorStopsOnlyOutsideFit) {
  Batch fit = MakeBatch({{"s", Str({"a", "b"})}});
  auto step = Fitted("ordinal", {{"on_unknown", "error"}}, {fit});
  Batch b = MakeBatch({{"s", Str({"a", "<null>", "c"})}});
  try {
    step->Transform(b, nullptr);
    ADD_FAILURE() << "no error";
  } catch (const UnknownValueError& e) {
    EXPECT_EQ(e.row, 2);
    EXPECT_STREQ(e.what(), "ordinal: column 's' has the value 'c', which was not seen at fit (on_unknown = \"error\")");
  }
  TransformStats lenient;
  lenient.lenient = true;
  ExpectSame(Values(step->Transform(b, &lenient), "s"), {0, kMissing, kMissing});
}

// A regression on x and a string column c, fitted on six rows.
Model SmallModel(const char* spec_text) {
  PipelineSpec spec = ParseSpec(spec_text, "s.toml");
  Model m;
  m.read = spec.read;
  m.target = Target::Parse(spec.target);
  m.target_field = {"y", DataType::kF64};
  m.input_schema = Schema({{"x", DataType::kF64}, {"c", DataType::kString}});
  m.pipeline = spec.Build();
  std::vector<Batch> batches = {MakeBatch(
      {{"x", F64({0.1, 0.5, 0.9, 0.3, 0.7, 0.2})}, {"c", Str({"u", "v", "u", "w", "u", "v"})}})};
  TransformStats drift;
  Features x = FitSteps(&m.pipeline, &batches, &drift, 0);
  m.pipeline.estimator->Fit(x, {0, 1, 1, 0, 1, 0.5});
  return m;
}

TEST(Ordinal, ModelFileRoundTripsAndBadStatesAreRefused) {
  const char* spec = R"(
target = "y"
[read]
dtype = { c = "string" }
[[steps]]
kind = "select"
columns = ["x", "c"]
[[steps]]
kind = "ordinal"
unknown_value = -1
[model]
kind = "linear_regression"
)";
  Model m = SmallModel(spec);
  EXPECT_EQ(m.pipeline.feature_names, (std::vector<std::string>{"x", "c"}));
  Json saved = ModelToJson(m);
  EXPECT_EQ(saved["steps"][1]["params"]["unknown_value"], -1.0);
  Model back = ModelFromJson(Json::parse(saved.dump()));
  Batch b = MakeBatch({{"x", F64({0.25, 0.8})}, {"c", Str({"never seen", "<null>"})}});
  const std::vector<double> got = back.pipeline.Predict(b, nullptr), want = m.pipeline.Predict(b, nullptr);
  EXPECT_EQ(got[0], want[0]);  // an unknown value: code -1
  EXPECT_TRUE(std::isnan(got[1]) && std::isnan(want[1]));  // a missing one: an empty prediction
  Json twice = saved;
  twice["steps"][1]["state"]["columns"][0]["categories"] = {"u", "u"};
  try {
    ModelFromJson(twice);
    ADD_FAILURE() << "loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModel);
    EXPECT_NE(std::string(e.what()).find("steps[1].state.columns[0].categories"), std::string::npos) << e.what();
  }
  Json extra = saved;
  extra["steps"][1]["state"]["columns"][0]["infrequent"] = {"u"};
  EXPECT_THROW(ModelFromJson(extra), Error);
}

}  // namespace
}  // namespace outcore
