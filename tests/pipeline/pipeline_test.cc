// Steps, registry, pipeline spec and model file.
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <fstream>

#include "outcore/error.h"
#include "outcore/model.h"
#include "outcore/pipeline.h"
#include "test_util.h"

namespace outcore {
namespace testing {
int64_t Micros(const std::string& text) {
  struct tm tm {};
  strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  return static_cast<int64_t>(timegm(&tm)) * 1000000;
}
}  // namespace testing

namespace {
using namespace testing;

TEST(Steps, SelectKeepsOrderAndNamesMissingColumn) {
  Batch b = MakeBatch({{"a", F64({1, 2})}, {"b", F64({3, 4})}, {"c", F64({5, 6})}});
  auto s = MakeStep("select", {{"columns", {"c", "a"}}});
  EXPECT_EQ(Names(s->Transform(b, nullptr)), (std::vector<std::string>{"c", "a"}));
  auto bad = MakeStep("select", {{"columns", {"zz"}}});
  ExpectError([&] { bad->Transform(b, nullptr); }, ErrorCode::kSchema,
              "select: column 'zz' is not in the data (columns: a, b, c)");
}

TEST(Steps, DropRemovesColumns) {
  Batch b = MakeBatch({{"a", F64({1})}, {"b", F64({3})}});
  EXPECT_EQ(Names(MakeStep("drop", {{"columns", {"a", "absent"}}})->Transform(b, nullptr)),
            (std::vector<std::string>{"b"}));
}

TEST(Steps, DatetimeParts) {
  // 2009-03-01 is a Sunday, day 60 of a non-leap year; 2008-12-31 is day 366 of a leap year.
  Batch b = MakeBatch({{"t", I64({Micros("2009-03-01 17:45:09"), Micros("2008-12-31 00:01:00"),
                                  Micros("1969-12-31 23:59:59")},
                                 DataType::kTimestamp)}});
  auto parts = MakeStep("datetime_part",
                        {{"columns", {"t"}}, {"parts", {"hour", "minute", "day_of_week", "day", "month", "year", "day_of_year"}}});
  Batch out = parts->Transform(b, nullptr);
  auto get = [&](const char* n) { return out.Get(n)->i64; };
  EXPECT_EQ(get("t_hour"), (std::vector<int64_t>{17, 0, 23}));
  EXPECT_EQ(get("t_minute"), (std::vector<int64_t>{45, 1, 59}));
  EXPECT_EQ(get("t_day_of_week"), (std::vector<int64_t>{6, 2, 2}));  // Monday = 0
  EXPECT_EQ(get("t_day"), (std::vector<int64_t>{1, 31, 31}));
  EXPECT_EQ(get("t_month"), (std::vector<int64_t>{3, 12, 12}));
  EXPECT_EQ(get("t_year"), (std::vector<int64_t>{2009, 2008, 1969}));
  EXPECT_EQ(get("t_day_of_year"), (std::vector<int64_t>{60, 366, 365}));
  EXPECT_LT(out.schema.IndexOf("t"), 0);
  // One part replaces the column in place, as the reference HourExtractor does.
  Batch hour = MakeStep("datetime_part", {{"columns", {"t"}}, {"part", "hour"}})->Transform(b, nullptr);
  EXPECT_EQ(hour.Get("t")->i64, (std::vector<int64_t>{17, 0, 23}));
  ExpectError([] { MakeStep("datetime_part", {{"columns", {"t"}}, {"part", "week"}}); }, ErrorCode::kModel,
              "unknown value 'week'");
}

TEST(Steps, LowercaseMergesCategoryValues) {
  Batch b = MakeBatch({{"p", Cat({"CASH", "Cash", "Credit", "<null>", "No Charge"})}});
  Batch out = MakeStep("lowercase", {{"columns", {"p"}}})->Transform(b, nullptr);
  const Column& c = *out.Get("p");
  EXPECT_EQ(c.dict->size(), 3u);  // cash, credit, no charge
  EXPECT_EQ(c.Category(0), "cash");
  EXPECT_EQ(c.codes[0], c.codes[1]);
  EXPECT_TRUE(c.IsNull(3));
  EXPECT_EQ(c.Category(4), "no charge");
  Batch s = MakeStep("strip", {{"columns", {"x"}}})->Transform(MakeBatch({{"x", Str({"  a b\t", "c"})}}), nullptr);
  EXPECT_EQ(s.Get("x")->Str(0), "a b");
}

TEST(Steps, CategoriesAndOneHotMatchGetDummies) {
  Batch b = MakeBatch({{"n", F64({1, 2, 3, 4})}, {"p", Cat({"credit", "cash", "bitcoin", "<null>"})}});
  auto cats = Fitted("categories", {{"categories", {{"p", {"cash", "credit", "dispute"}}}}}, {b});
  TransformStats stats;
  Batch fixed = cats->Transform(b, &stats);
  EXPECT_EQ(stats.counters["categories:p:unknown"], 1);  // bitcoin; a missing value is not unknown
  EXPECT_TRUE(fixed.Get("p")->IsNull(2));
  auto onehot = Fitted("one_hot", Json::object(), {fixed});
  Batch out = onehot->Transform(fixed, &stats);
  // Other columns first, then one column per declared category, in the declared order, even
  // the one never seen (dispute).
  EXPECT_EQ(Names(out), (std::vector<std::string>{"n", "p_cash", "p_credit", "p_dispute"}));
  EXPECT_EQ(out.Get("p_cash")->f64, (std::vector<double>{0, 1, 0, 0}));
  EXPECT_EQ(out.Get("p_credit")->f64, (std::vector<double>{1, 0, 0, 0}));
  EXPECT_EQ(out.Get("p_dispute")->f64, (std::vector<double>{0, 0, 0, 0}));
}

TEST(Steps, OneHotLearnsSortedValuesAndCountsUnknown) {
  Batch fit1 = MakeBatch({{"s", Str({"b", "a"})}});
  Batch fit2 = MakeBatch({{"s", Str({"c", "a"})}});
  auto onehot = Fitted("one_hot", {{"columns", {"s"}}}, {fit1, fit2});
  TransformStats stats;
  Batch out = onehot->Transform(MakeBatch({{"s", Str({"c", "zzz", "<null>"})}}), &stats);
  EXPECT_EQ(Names(out), (std::vector<std::string>{"s_a", "s_b", "s_c"}));
  EXPECT_EQ(out.Get("s_c")->f64, (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(stats.counters["one_hot:s:unknown"], 1);
  // State round-trip.
  auto loaded = MakeStep("one_hot", onehot->params());
  loaded->LoadState(onehot->SaveState());
  EXPECT_EQ(loaded->Transform(MakeBatch({{"s", Str({"b"})}}), nullptr).Get("s_b")->f64[0], 1.0);
}

TEST(Steps, StandardScalerPartialFitEqualsFit) {
  std::vector<double> all = {1.5, 2.0, -3.25, 10.0, 4.0, NAN, 7.5};
  Batch whole = MakeBatch({{"x", F64(all)}});
  Batch a = MakeBatch({{"x", F64({1.5, 2.0, -3.25})}}), b = MakeBatch({{"x", F64({10.0, 4.0, NAN, 7.5})}});
  for (int ddof : {0, 1}) {
    Json p = {{"columns", {"x"}}, {"ddof", ddof}};
    auto one = Fitted("standard_scaler", p, {whole});
    auto two = Fitted("standard_scaler", p, {a, b});
    double n = 6, mean = (1.5 + 2.0 - 3.25 + 10.0 + 4.0 + 7.5) / n, ss = 0;
    for (double v : all)
      if (!std::isnan(v)) ss += (v - mean) * (v - mean);
    double sd = std::sqrt(ss / (n - ddof));
    EXPECT_NEAR(one->SaveState()["mean"][0].get<double>(), mean, 1e-12);
    EXPECT_NEAR(one->SaveState()["scale"][0].get<double>(), sd, 1e-12);
    EXPECT_NEAR(two->SaveState()["scale"][0].get<double>(), sd, 1e-12);
    Batch out = two->Transform(whole, nullptr);
    EXPECT_NEAR(out.Get("x")->f64[3], (10.0 - mean) / sd, 1e-12);
    EXPECT_TRUE(out.Get("x")->IsNull(5));
  }
}

TEST(Steps, ImputerStrategies) {
  Batch b = MakeBatch({{"x", F64({1, NAN, 3, 3, 10})}, {"s", Str({"b", "a", "<null>", "b", "a"})}});
  auto fill = [&](const Json& p, const char* col) {
    return Fitted("imputer", p, {b})->Transform(b, nullptr).Get(col);
  };
  EXPECT_DOUBLE_EQ(fill({{"columns", {"x"}}, {"strategy", "mean"}}, "x")->f64[1], 17.0 / 4);
  EXPECT_DOUBLE_EQ(fill({{"columns", {"x"}}, {"strategy", "median"}}, "x")->f64[1], 3.0);
  EXPECT_DOUBLE_EQ(fill({{"columns", {"x"}}, {"strategy", "most_frequent"}}, "x")->f64[1], 3.0);
  EXPECT_DOUBLE_EQ(fill({{"columns", {"x"}}, {"strategy", "constant"}, {"fill_value", -1}}, "x")->f64[1], -1);
  EXPECT_EQ(fill({{"columns", {"s"}}, {"strategy", "most_frequent"}}, "s")->Str(2), "a");  // tie → smallest
  ExpectError([] { MakeStep("imputer", {{"columns", {"x"}}, {"strategy", "mode"}}); }, ErrorCode::kModel,
              "unknown value 'mode'");
}

TEST(Registry, UnknownKindsAndParametersAreNamed) {
  ExpectError([] { MakeStep("scaler", Json::object()); }, ErrorCode::kModel,
              "unknown step kind 'scaler' (known: select, drop, datetime_part");
  ExpectError([] { MakeStep("select", {{"columns", {"a"}}, {"colums", 1}}); }, ErrorCode::kModel,
              "select: unknown parameter 'colums' (known: columns)");
  ExpectError([] { MakeEstimator("svm", Json::object()); }, ErrorCode::kModel, "unknown model kind 'svm'");
  for (const auto& r : StepRegistry()) EXPECT_FALSE(r.doc.empty()) << r.kind;
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
[model]
kind = "logistic_regression"
C = 0.5
)";

TEST(Spec, ParsesAndNamesErrors) {
  PipelineSpec spec = ParseSpec(kSpec, "s.toml");
  EXPECT_EQ(spec.target, "y > 0");
  EXPECT_EQ(spec.read.dtypes.at("c"), DataType::kCategory);
  EXPECT_EQ(spec.InputColumns(), (std::vector<std::string>{"x", "c"}));
  EXPECT_EQ(spec.model["params"]["C"], 0.5);
  ExpectError([] { ParseSpec("[model]\nkind = \"ridge\"\n", "a.toml"); }, ErrorCode::kModel, "a.toml: 'target' is required");
  ExpectError([] { ParseSpec("target = \"y\"\n[read]\ndtype = { c = \"text\" }\n[model]\nkind = \"ridge\"\n", "b.toml"); },
              ErrorCode::kModel, "b.toml: 'read.dtype.c' must be one of");
  ExpectError([] { ParseSpec("target = \"y\"\nmodle = 1\n", "c.toml"); }, ErrorCode::kModel, "c.toml: unknown key 'modle'");
  ExpectError([] { ParseSpec("target = \"y\"\n[model]\nkind = \"ridge\"\nalfa = 1\n", "d.toml"); }, ErrorCode::kModel,
              "d.toml: ridge: unknown parameter 'alfa'");
  ExpectError([] { ParseSpec("target = \"y\"\n[model\n", "e.toml"); }, ErrorCode::kModel, "e.toml: line 2");
  EXPECT_NO_THROW(LoadSpec(std::string(OUTCORE_SOURCE_DIR) + "/examples/taxi_tip.toml"));
}

TEST(Target, ComparisonAndClasses) {
  Target t = Target::Parse("Tip_Amt >= 1.5");
  EXPECT_EQ(t.column, "Tip_Amt");
  EXPECT_EQ(t.op, ">=");
  auto y = t.Labels(*F64({1.0, 1.5, NAN, 2}), true);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 1);
  EXPECT_TRUE(std::isnan(y[2]));
  Target s = Target::Parse("label");
  ColumnPtr c = Str({"yes", "no", "yes"});
  s.LearnClasses({c.get()});
  EXPECT_EQ(s.classes, (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(s.Labels(*c, true), (std::vector<double>{1, 0, 1}));
  ExpectError([] { Target::Parse("x > abc"); }, ErrorCode::kModel, "'abc' is not a number");
}

// A model fitted by hand: select → one_hot → logistic regression.
Model SmallModel() {
  PipelineSpec spec = ParseSpec(kSpec, "s.toml");
  Model m;
  m.read = spec.read;
  m.target = Target::Parse(spec.target);
  m.target_field = {"y", DataType::kF64};
  m.input_schema = Schema({{"x", DataType::kF64}, {"c", DataType::kCategory}});
  m.pipeline = spec.Build();
  Batch b = MakeBatch({{"x", F64({0.1, 0.5, 0.9, 0.3, 0.7, 0.2})}, {"c", Cat({"u", "v", "u", "v", "u", "v"})}});
  for (auto& s : m.pipeline.steps) {
    s->Reset();
    s->PartialFit(b);
    s->FinishFit();
    b = s->Transform(b, nullptr);
  }
  for (const auto& f : b.schema.fields()) m.pipeline.feature_names.push_back(f.name);
  m.pipeline.estimator->Fit(m.pipeline.ToFeatures(b), {0, 1, 1, 0, 1, 0});
  return m;
}

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(ModelFile, SaveLoadGivesSamePredictions) {
  Model m = SmallModel();
  std::string path = TempPath("m.json");
  SaveModel(m, path);
  Model back = LoadModel(path);
  EXPECT_EQ(back.fingerprint, m.fingerprint);
  EXPECT_EQ(back.input_schema, m.input_schema);
  EXPECT_EQ(back.pipeline.feature_names, (std::vector<std::string>{"x", "c_u", "c_v"}));
  Batch b = MakeBatch({{"x", F64({0.25, 0.8})}, {"c", Cat({"v", "u"})}});
  EXPECT_EQ(back.pipeline.Predict(b, nullptr), m.pipeline.Predict(b, nullptr));
}

// The quote and escape read options go from the spec into the model file and back (and are
// left out of it when they are the defaults, so such a model reads as before).
TEST(ModelFile, QuoteAndEscapeOptionsRoundTrip) {
  const std::string model_table = "[model]\nkind = \"logistic_regression\"\n";
  PipelineSpec spec = ParseSpec("target = \"y\"\n[read]\nquote = \"none\"\nescape = \"\\\\\"\n" + model_table, "q.toml");
  EXPECT_EQ(spec.read.quote, '\0');
  EXPECT_EQ(spec.read.escape, '\\');
  EXPECT_EQ(ParseSpec("target = \"y\"\n[read]\nquote = \"\"\n" + model_table, "q.toml").read.quote, '\0');
  EXPECT_EQ(ParseSpec("target = \"y\"\n[read]\nquote = \"'\"\n" + model_table, "q.toml").read.quote, '\'');
  ExpectError([&] { ParseSpec("target = \"y\"\n[read]\nquote = \"ab\"\n" + model_table, "q.toml"); },
              ErrorCode::kModel, "q.toml: 'read.quote' must be one character, or \"\" or \"none\"");
  ExpectError([&] { ParseSpec("target = \"y\"\n[read]\nescape = 1\n" + model_table, "q.toml"); },
              ErrorCode::kModel, "q.toml: 'read.escape' must be one character");

  Model m = SmallModel();
  EXPECT_FALSE(ModelToJson(m).at("read_options").contains("quote"));
  m.read.quote = '\0';
  m.read.escape = '\\';
  const std::string path = TempPath("quote.json");
  SaveModel(m, path);
  Model back = LoadModel(path);
  EXPECT_EQ(back.read.quote, '\0');
  EXPECT_EQ(back.read.escape, '\\');
  m.read.quote = '\'';
  m.read.escape = '\0';
  SaveModel(m, path);
  back = LoadModel(path);
  EXPECT_EQ(back.read.quote, '\'');
  EXPECT_EQ(back.read.escape, '\0');
}

TEST(ModelFile, RefusesWhatItCannotTrust) {
  Model m = SmallModel();
  Json good = ModelToJson(m);
  auto load_json = [&](const Json& j) {
    std::string p = TempPath("bad.json");
    Write(p, j.dump());
    return LoadModel(p);
  };
  Json j = good;
  j["format"] = "pickle";
  ExpectError([&] { load_json(j); }, ErrorCode::kModel, "not an outcore model");
  j = good;
  j["format_version"] = "2.0";
  ExpectError([&] { load_json(j); }, ErrorCode::kModel, "format_version 2.0 is not supported");
  j = good;
  j["estimator"]["state"]["coef"].push_back(1.0);
  ExpectError([&] { load_json(j); }, ErrorCode::kModel, "estimator");
  j = good;
  j["steps"][1]["kind"] = "eval";
  ExpectError([&] { load_json(j); }, ErrorCode::kModel, "unknown step kind 'eval'");
  j = good;
  j.erase("input_schema");
  ExpectError([&] { load_json(j); }, ErrorCode::kModel, "missing 'input_schema'");
  std::string text = good.dump();
  Write(TempPath("trunc.json"), text.substr(0, text.size() / 2));
  ExpectError([&] { LoadModel(TempPath("trunc.json")); }, ErrorCode::kModel, "not valid JSON");
  Write(TempPath("big.json"), std::string(2000, ' '));
  ExpectError([&] { LoadModel(TempPath("big.json"), 1000); }, ErrorCode::kModel, "over the 1000-byte cap");
}

}  // namespace
}  // namespace outcore
