// One fit core: rows already in memory (the Python package's path, FitModelOnBatches) fit the
// same model as the same rows read from a file (the CLI's path, FitModel), and read options
// given as JSON go through the spec's parser.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "outcore/error.h"
#include "outcore/fit.h"
#include "outcore/model.h"
#include "test_util.h"

namespace outcore {
namespace {
using namespace testing;

const char* kSpec = R"(
target = "y > 0"
[model]
kind = "logistic_regression"
C = 2.0
[read]
dtype = { c = "category" }
[[steps]]
kind = "select"
columns = ["c", "x"]
[[steps]]
kind = "standard_scaler"
columns = ["x"]
[[steps]]
kind = "one_hot"
)";

// 40 rows: x, a category c, an unused column z, and a target y missing on every 7th row (the
// spec reads c before x: the rows in memory are projected to its order, as the file is read).
struct Rows {
  std::vector<double> x, z, y;
  std::vector<std::string> c;
};

Rows MakeRows() {
  Rows r;
  for (int i = 0; i < 40; ++i) {
    r.x.push_back(std::sin(i * 0.7) * 3);
    r.z.push_back(i);
    r.c.push_back(i % 3 == 0 ? "u" : i % 3 == 1 ? "v" : "w");
    r.y.push_back(i % 7 == 3 ? NAN : std::sin(i * 0.7) + (i % 3 == 1 ? 0.8 : -0.4));
  }
  return r;
}

std::string WriteCsv(const Rows& r) {
  std::string path = ::testing::TempDir() + "/fit_core.csv";
  std::ofstream out(path);
  out.precision(17);
  out << "x,c,z,y\n";
  for (size_t i = 0; i < r.x.size(); ++i) {
    out << r.x[i] << "," << r.c[i] << "," << r.z[i] << ",";
    if (!std::isnan(r.y[i])) out << r.y[i];
    out << "\n";
  }
  return path;
}

// The rows as two batches (25 + 15 rows), columns in the file's order.
std::vector<Batch> Batches(const Rows& r) {
  std::vector<Batch> out;
  for (const auto& range : {std::pair<size_t, size_t>{0, 25}, {25, 40}}) {
    const size_t from = range.first, to = range.second;  // (clang 14 cannot capture structured bindings)
    auto slice = [&](const std::vector<double>& v) { return std::vector<double>(v.begin() + from, v.begin() + to); };
    out.push_back(MakeBatch({{"x", F64(slice(r.x))},
                             {"c", Cat(std::vector<std::string>(r.c.begin() + from, r.c.begin() + to))},
                             {"z", F64(slice(r.z))},
                             {"y", F64(slice(r.y))}}));
  }
  return out;
}

TEST(FitCore, RowsInMemoryFitTheModelTheFileFits) {
  const PipelineSpec spec = ParseSpec(kSpec, "s.toml");
  const Rows rows = MakeRows();
  FitOptions options;
  options.test_size = 0;
  options.threads = 2;
  FitReport from_file, in_memory;
  Model a = FitModel(spec, {WriteCsv(rows)}, options, &from_file);
  Model b = FitModelOnBatches(spec, Batches(rows), Target::Parse(spec.target), options, &in_memory);

  Json ja = ModelToJson(a), jb = ModelToJson(b);
  for (const char* key : {"read_options", "input_schema", "target", "steps", "estimator", "feature_names", "metrics"})
    EXPECT_EQ(ja[key], jb[key]) << key;
  EXPECT_EQ(jb["feature_names"], Json::parse(R"(["x", "c_u", "c_v", "c_w"])"));
  EXPECT_EQ(jb["estimator"]["state"]["coef"].size(), 4u);
  EXPECT_EQ(jb["input_schema"], Json::parse(R"([{"name":"c","type":"category"},{"name":"x","type":"float"}])"));
  for (const char* key : {"rows_read", "rows_missing_target", "rows_train", "rows_test", "drift", "test_size", "seed"})
    EXPECT_EQ(ja["training"][key], jb["training"][key]) << key;
  EXPECT_EQ(jb["training"]["rows_missing_target"], 6);
  // The file is a source with a fingerprint; rows in memory have an origin instead.
  EXPECT_EQ(ja["training"]["sources"].size(), 1u);
  EXPECT_FALSE(ja["training"].contains("origin"));
  EXPECT_EQ(jb["training"]["sources"], Json::array());
  EXPECT_EQ(jb["training"]["fingerprint"], "");
  EXPECT_EQ(jb["training"]["origin"], "python: rows in memory");
  EXPECT_EQ(from_file.ToJson()["rows"], in_memory.ToJson()["rows"]);
  EXPECT_EQ(from_file.train_metrics, in_memory.train_metrics);
}

TEST(FitCore, TwoGivenClassesFixTheirOrderElseTheyAreLearned) {
  PipelineSpec spec = ParseSpec("target = \"k\"\n[model]\nkind = \"logistic_regression\"\n", "k.toml");
  auto batches = [] {
    return std::vector<Batch>{MakeBatch({{"x", F64({0.1, 0.9, 0.2, 0.8, 0.4, 0.6})},
                                         {"k", I64({2, 10, 2, 10, 10, 2})}})};
  };
  FitOptions options;
  options.test_size = 0;
  FitReport report;
  Target given = Target::Parse("k");
  given.classes = {"10", "2"};  // given classes are kept in their order
  EXPECT_EQ(FitModelOnBatches(spec, batches(), given, options, &report).target.classes,
            (std::vector<std::string>{"10", "2"}));
  FitReport learned;
  EXPECT_EQ(FitModelOnBatches(spec, batches(), Target::Parse("k"), options, &learned).target.classes,
            (std::vector<std::string>{"2", "10"}));  // learned as scikit-learn sorts them: by value
}

TEST(FitCore, RowsInMemoryNameWhatIsMissing) {
  PipelineSpec spec = ParseSpec(kSpec, "s.toml");
  FitOptions options;
  options.test_size = 0;
  Target target = Target::Parse(spec.target);
  auto fit = [&](std::vector<Batch> batches) {
    FitReport report;
    FitModelOnBatches(spec, std::move(batches), target, options, &report);
  };
  ExpectError([&] { fit({}); }, ErrorCode::kInvalidInput, "no rows to fit on");
  ExpectError([&] { fit({MakeBatch({{"x", F64({1.0})}, {"c", Cat({"u"})}})}); }, ErrorCode::kSchema,
              "target column 'y' is not in the data (columns: x, c)");
  ExpectError([&] { fit({MakeBatch({{"x", F64({1.0})}, {"y", F64({1.0})}})}); }, ErrorCode::kSchema,
              "column 'c' is required by the pipeline but not in the data (columns: x, y)");
  ExpectError([&] { fit({MakeBatch({{"x", F64({1.0, 2.0})}, {"c", Cat({"u", "v"})}, {"y", F64({NAN, NAN})}})}); },
              ErrorCode::kInvalidInput, "no rows to train on (2 given, 2 without a target)");
}

TEST(FitCore, ReadOptionsAsJsonGoThroughTheSpecParser) {
  ReadOptions r = ParseReadOptions(Json::parse(R"({"delimiter": ";", "quote": "none", "dtype": {"c": "category"},
                                                   "parse_dates": ["t"], "infer_rows": 7})"),
                                   "read options", "");
  EXPECT_EQ(r.delimiter, ';');
  EXPECT_EQ(r.quote, '\0');
  EXPECT_EQ(r.dtypes.at("c"), DataType::kCategory);
  EXPECT_EQ(r.parse_dates, (std::vector<std::string>{"t"}));
  EXPECT_EQ(r.infer_rows, 7);
  EXPECT_EQ(ParseReadOptions(Json(), "read options", "").delimiter, ReadOptions().delimiter);
  ExpectError([] { ParseReadOptions(Json{{"quote", "ab"}}, "read options", ""); }, ErrorCode::kModel,
              "read options: 'quote' must be one character");
  ExpectError([] { ParseReadOptions(Json{{"bogus", 1}}, "read options", ""); }, ErrorCode::kModel,
              "read options: unknown key 'bogus' (known: delimiter,");
  ExpectError([] { ParseReadOptions(Json{{"dtype", {{"c", "text"}}}}, "read options", ""); }, ErrorCode::kModel,
              "read options: 'dtype.c' must be one of float");
  ExpectError([] { ParseReadOptions(Json::array(), "read options", ""); }, ErrorCode::kModel,
              "read options: must be an object");
  ExpectError([] { ParseReadOptions(Json{{"header", 1}}, "s.toml", "read."); }, ErrorCode::kModel,
              "s.toml: 'read.header' must be true or false");
}

}  // namespace
}  // namespace outcore
