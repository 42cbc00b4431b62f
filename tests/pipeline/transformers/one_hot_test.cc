// one_hot's max_categories (scikit-learn's rule, the COLUMN_infrequent feature, the model
// file), on_unknown = "error" on categories and one_hot, and fit's memory limit.
#include <gtest/gtest.h>

#include <fstream>

#include "outcore/error.h"
#include "outcore/fit.h"
#include "outcore/model.h"
#include "outcore/pipeline.h"
#include "test_util.h"

namespace outcore {
namespace {
using namespace testing;

std::vector<std::string> Repeat(const std::vector<std::pair<std::string, int>>& counts) {
  std::vector<std::string> out;
  for (const auto& [v, n] : counts) out.insert(out.end(), n, v);
  return out;
}

// Expects `fn` to throw an outcore::Error with `code` whose message contains every `text`.
template <typename Fn>
void ExpectError(Fn fn, ErrorCode code, const std::vector<std::string>& texts) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected: " << texts.front();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const auto& t : texts) EXPECT_NE(std::string(e.what()).find(t), std::string::npos) << e.what();
  }
}

// scikit-learn 1.2, OneHotEncoder(max_categories=3, handle_unknown="infrequent_if_exist") on
// a x3, b x3, c x3, d x1: get_feature_names_out() is [s_b, s_c, s_infrequent_sklearn],
// infrequent_categories_ [a, d] (a stable sort by count keeps the later of equal counts),
// and transform([[zz], [d], [a], [b]]) puts zz, d and a in the infrequent column.
TEST(OneHot, MaxCategoriesFollowsScikitLearn) {
  Batch fit = MakeBatch({{"s", Str(Repeat({{"c", 3}, {"a", 3}, {"d", 1}, {"b", 3}}))}});
  auto step = Fitted("one_hot", {{"max_categories", 3}}, {fit});
  TransformStats stats;
  Batch out = step->Transform(MakeBatch({{"s", Str({"zz", "d", "a", "b", "<null>"})}}), &stats);
  EXPECT_EQ(Names(out), (std::vector<std::string>{"s_b", "s_c", "s_infrequent"}));
  EXPECT_EQ(out.Get("s_b")->f64, (std::vector<double>{0, 0, 0, 1, 0}));
  EXPECT_EQ(out.Get("s_c")->f64, (std::vector<double>{0, 0, 0, 0, 0}));
  EXPECT_EQ(out.Get("s_infrequent")->f64, (std::vector<double>{1, 1, 1, 0, 0}));  // missing: zeros
  EXPECT_EQ(stats.counters["one_hot:s:unknown"], 1);  // zz, still counted as drift
  EXPECT_EQ(step->FeaturesPerColumn(), (std::vector<std::pair<std::string, int64_t>>{{"s", 3}}));

  // The infrequent column counts even when it would be empty: with as many values as
  // max_categories (4), the rarest (d) is infrequent, as in scikit-learn 1.2; with fewer, none.
  auto four = Fitted("one_hot", {{"max_categories", 4}}, {fit});
  EXPECT_EQ(Names(four->Transform(fit, nullptr)), (std::vector<std::string>{"s_a", "s_b", "s_c", "s_infrequent"}));
  auto all = Fitted("one_hot", {{"max_categories", 5}}, {fit});
  EXPECT_EQ(Names(all->Transform(fit, nullptr)), (std::vector<std::string>{"s_a", "s_b", "s_c", "s_d"}));
}

TEST(OneHot, DefaultKeeps99ValuesAndOneInfrequent) {
  std::vector<std::string> values;
  for (int i = 0; i < 150; ++i) values.insert(values.end(), i < 99 ? 2 : 1, "v" + std::to_string(1000 + i));
  Batch fit = MakeBatch({{"s", Str(values)}});
  auto step = Fitted("one_hot", Json::object(), {fit});
  Batch out = step->Transform(fit, nullptr);
  ASSERT_EQ(out.schema.size(), 100);
  EXPECT_EQ(out.schema.field(0).name, "s_v1000");
  EXPECT_EQ(out.schema.field(98).name, "s_v1098");
  EXPECT_EQ(out.schema.field(99).name, "s_infrequent");
  EXPECT_EQ(step->params()["max_categories"], 100);
}

TEST(OneHot, MaxCategoriesOnDeclaredCategoriesKeepsTheirOrder) {
  // categories fixes [x, y, z, w]; seen: y x3, x x1, z x1, w never. max 3: the stable sort by
  // count in declared order is w(0), x(1), z(1), y(3): w and x are infrequent.
  Batch b = MakeBatch({{"p", Cat({"y", "x", "y", "z", "y"})}});
  auto cats = Fitted("categories", {{"categories", {{"p", {"x", "y", "z", "w"}}}}}, {b});
  Batch fixed = cats->Transform(b, nullptr);
  auto step = Fitted("one_hot", {{"max_categories", 3}}, {fixed});
  Batch out = step->Transform(fixed, nullptr);
  EXPECT_EQ(Names(out), (std::vector<std::string>{"p_y", "p_z", "p_infrequent"}));
  EXPECT_EQ(out.Get("p_infrequent")->f64, (std::vector<double>{0, 1, 0, 0, 0}));
  EXPECT_EQ(step->SaveState()["columns"][0]["infrequent"], Json({"x", "w"}));
}

TEST(OneHot, RefusesBadParameters) {
  ExpectError([] { MakeStep("one_hot", {{"max_categories", 1}}); }, ErrorCode::kModel,
              {"one_hot: parameter 'max_categories'", "at least 2"});
  ExpectError([] { MakeStep("one_hot", {{"max_categories", 2.5}}); }, ErrorCode::kModel, {"whole number"});
  ExpectError([] { MakeStep("one_hot", {{"on_unknown", "drop"}}); }, ErrorCode::kModel,
              {"parameter 'on_unknown'", "'drop'"});
  ExpectError([] { MakeStep("categories", {{"categories", {{"p", {"a"}}}}, {"on_unknown", 1}}); },
              ErrorCode::kModel, {"parameter 'on_unknown' must be a string"});
}

TEST(OneHot, NameOfTheInfrequentFeatureMayNotClash) {
  Batch fit = MakeBatch({{"s", Str({"a", "a", "b", "c"})}, {"s_infrequent", F64({1, 2, 3, 4})}});
  auto step = Fitted("one_hot", {{"columns", {"s"}}, {"max_categories", 2}}, {fit});
  ExpectError([&] { step->Transform(fit, nullptr); }, ErrorCode::kSchema,
              {"the column for the infrequent values of 's' would be named 's_infrequent'"});
}

const char* kSpec = R"(
target = "y > 0"
[read]
dtype = { c = "category" }
[[steps]]
kind = "select"
columns = ["x", "c"]
[[steps]]
kind = "one_hot"
max_categories = 2
on_unknown = "error"
[model]
kind = "logistic_regression"
)";

Model SmallModel(const char* spec_text) {
  PipelineSpec spec = ParseSpec(spec_text, "s.toml");
  Model m;
  m.read = spec.read;
  m.target = Target::Parse(spec.target);
  m.target.classes = {"false", "true"};
  m.target_field = {"y", DataType::kF64};
  m.input_schema = Schema({{"x", DataType::kF64}, {"c", DataType::kCategory}});
  m.pipeline = spec.Build();
  std::vector<Batch> batches = {MakeBatch(
      {{"x", F64({0.1, 0.5, 0.9, 0.3, 0.7, 0.2})}, {"c", Cat({"u", "v", "u", "w", "u", "v"})}})};
  TransformStats drift;
  Features x = FitSteps(&m.pipeline, &batches, &drift, 0);
  m.pipeline.estimator->Fit(x, {0, 1, 1, 0, 1, 0});
  return m;
}

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

TEST(OneHot, ModelFileKeepsMaxCategoriesAndOnUnknown) {
  Model m = SmallModel(kSpec);
  EXPECT_EQ(m.pipeline.feature_names, (std::vector<std::string>{"x", "c_u", "c_infrequent"}));
  const std::string path = TempPath("onehot_model.json");
  SaveModel(m, path);
  Json saved = ModelToJson(m);
  EXPECT_EQ(saved["steps"][1]["params"]["max_categories"], 2);
  EXPECT_EQ(saved["steps"][1]["params"]["on_unknown"], "error");
  EXPECT_EQ(saved["steps"][1]["state"]["columns"][0]["infrequent"], Json({"v", "w"}));
  Model back = LoadModel(path);  // loads although its probe value 'x' is unknown
  Batch b = MakeBatch({{"x", F64({0.25, 0.8})}, {"c", Cat({"w", "u"})}});
  EXPECT_EQ(back.pipeline.Predict(b, nullptr), m.pipeline.Predict(b, nullptr));
  Batch t = back.pipeline.Transform(b, nullptr);
  EXPECT_EQ(t.Get("c_infrequent")->f64, (std::vector<double>{1, 0}));
  // on_unknown = "error": predict stops on an unknown value, naming column, value and row.
  try {
    back.pipeline.Predict(MakeBatch({{"x", F64({0.1, 0.2})}, {"c", Cat({"u", "zebra"})}}), nullptr);
    ADD_FAILURE() << "no error";
  } catch (const UnknownValueError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(e.row, 1);
    EXPECT_NE(std::string(e.what()).find("one_hot: column 'c' has the value 'zebra', which was not seen at fit"),
              std::string::npos) << e.what();
  }
  // A state whose infrequent values are also categories is refused.
  Json bad = saved;
  bad["steps"][1]["state"]["columns"][0]["infrequent"] = {"u"};
  ExpectError([&] { ModelFromJson(bad); }, ErrorCode::kModel,
              {"steps[1].state.columns[0].infrequent: 'u' is also in categories"});
}

TEST(OneHot, ModelFileWithoutTheNewParametersLoadsAsBefore) {
  // A model file written before max_categories and on_unknown: no such params, no
  // "infrequent" in the state. It keeps all its categories and ignores unknown values.
  const char* old_spec = R"(
target = "y > 0"
[read]
dtype = { c = "category" }
[[steps]]
kind = "select"
columns = ["x", "c"]
[[steps]]
kind = "one_hot"
max_categories = 100
[model]
kind = "logistic_regression"
)";
  Json j = ModelToJson(SmallModel(old_spec));
  j["steps"][1]["params"] = Json::object();
  std::vector<std::string> many;
  for (int i = 0; i < 150; ++i) many.push_back("k" + std::to_string(i));
  j["steps"][1]["state"]["columns"][0]["categories"] = many;
  j["feature_names"] = {"x"};
  for (const auto& v : many) j["feature_names"].push_back("c_" + v);
  j["estimator"]["state"]["coef"] = std::vector<double>(151, 0.0);
  if (j["estimator"]["state"].contains("n_features")) j["estimator"]["state"]["n_features"] = 151;
  Model m = ModelFromJson(j);
  TransformStats stats;
  Batch out = m.pipeline.Transform(MakeBatch({{"x", F64({1})}, {"c", Cat({"nope"})}}), &stats);
  EXPECT_EQ(out.schema.size(), 151);
  EXPECT_EQ(stats.counters["one_hot:c:unknown"], 1);
  EXPECT_EQ(ModelToJson(m)["steps"][1]["state"]["columns"][0].contains("infrequent"), false);
}

TEST(Categories, OnUnknownErrorStopsOnlyOutsideFit) {
  Batch b = MakeBatch({{"p", Str({"cash", "<null>", "bitcoin"})}});
  auto step = MakeStep("categories", {{"categories", {{"p", {"cash", "credit"}}}}, {"on_unknown", "error"}});
  EXPECT_EQ(step->params()["on_unknown"], "error");
  try {
    step->Transform(b, nullptr);
    ADD_FAILURE() << "no error";
  } catch (const UnknownValueError& e) {
    EXPECT_EQ(e.row, 2);  // the missing value in row 1 is not unknown
    EXPECT_STREQ(e.what(),
                 "categories: column 'p' has the value 'bitcoin', which was not seen at fit "
                 "(on_unknown = \"error\")");
  }
  TransformStats lenient;
  lenient.lenient = true;  // as fit transforms its rows
  Batch out = step->Transform(b, &lenient);
  EXPECT_TRUE(out.Get("p")->IsNull(2));
  EXPECT_EQ(lenient.counters["categories:p:unknown"], 1);
  // The default, "ignore", is today's behaviour.
  auto ignore = MakeStep("categories", {{"categories", {{"p", {"cash", "credit"}}}}});
  EXPECT_EQ(ignore->params()["on_unknown"], "ignore");
  TransformStats stats;
  EXPECT_TRUE(ignore->Transform(b, &stats).Get("p")->IsNull(2));
  EXPECT_EQ(stats.counters["categories:p:unknown"], 1);
}

TEST(FitMemory, StopsBeforeMakingFeaturesThatDoNotFit) {
  PipelineSpec spec = ParseSpec(R"(
target = "y"
[[steps]]
kind = "one_hot"
columns = ["day"]
max_categories = 100000
[model]
kind = "linear_regression"
)", "wide.toml");
  std::vector<std::string> days;
  for (int i = 0; i < 5000; ++i) days.push_back("2009-01-" + std::to_string(10000 + i));
  std::vector<Batch> batches = {MakeBatch({{"day", Str(days)}})};
  Pipeline p = spec.Build();
  TransformStats drift;
  // 5,000 rows x 5,000 features x 8 bytes is 200 MB; twice that plus the Gram matrix is over 64 MB.
  ExpectError([&] { FitSteps(&p, &batches, &drift, 64 << 20); }, ErrorCode::kInvalidInput,
              {"fit: step 0 (one_hot) makes 5,000 features of 5,000 training rows",
               "column 'day' alone makes 5,000 of them", "over the memory limit of 64.0 MB",
               "linear_regression", "max_categories"});
  EXPECT_EQ(batches[0].schema.size(), 1);  // stopped before transforming
  // With the default max_categories the same rows fit.
  PipelineSpec narrow = ParseSpec(R"(
target = "y"
[[steps]]
kind = "one_hot"
[model]
kind = "linear_regression"
)", "narrow.toml");
  Pipeline q = narrow.Build();
  Features x = FitSteps(&q, &batches, &drift, 64 << 20);
  EXPECT_EQ(x.names.size(), 100u);
  EXPECT_EQ(x.names.back(), "day_infrequent");
}

TEST(FitMemory, WithoutAWideningStepTheAdviceIsFewerRows) {
  PipelineSpec spec = ParseSpec("target = \"y\"\n[[steps]]\nkind = \"drop\"\ncolumns = [\"z\"]\n"
                                "[model]\nkind = \"ridge\"\n", "plain.toml");
  std::vector<Batch> batches = {MakeBatch({{"a", F64(std::vector<double>(1000, 1.0))},
                                           {"b", F64(std::vector<double>(1000, 2.0))},
                                           {"z", F64(std::vector<double>(1000, 3.0))}})};
  Pipeline p = spec.Build();
  TransformStats drift;
  ExpectError([&] { FitSteps(&p, &batches, &drift, 1000); }, ErrorCode::kInvalidInput,
              {"fit: step 0 (drop) makes 2 features of 1,000 training rows. They would need about",
               "plus", "for ridge), over the memory limit of 1000 B (--memory-limit). Fit on fewer rows"});
}

TEST(FitMemory, DefaultIsHalfOfMemory) {
  EXPECT_GT(DefaultMemoryLimit(), int64_t{1} << 20);
}

}  // namespace
}  // namespace outcore
