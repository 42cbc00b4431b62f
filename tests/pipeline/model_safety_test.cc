// Hostile model files and specs: each must be refused with its own error, naming the file and
// the place in it. The model cases live in tests/data/hostile_models/ as mutations of a model
// fitted here (examples/taxi_tip.toml on generated taxi data), so they follow the format.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "outcore/error.h"
#include "outcore/fit.h"
#include "outcore/gen_taxi.h"
#include "outcore/model.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;

const fs::path kCases = fs::path(OUTCORE_SOURCE_DIR) / "tests/data/hostile_models";

fs::path ScratchDir() {
  static const fs::path dir = [] {
    fs::path d = fs::path(::testing::TempDir()) / ("model_safety_" + std::to_string(getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// Removes the scratch directory (a training file, big generated inputs) after the tests.
class RemoveScratch : public ::testing::Environment {
 public:
  void TearDown() override { fs::remove_all(ScratchDir()); }
};
::testing::Environment* const kRemoveScratch = ::testing::AddGlobalTestEnvironment(new RemoveScratch);

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The model every case mutates, fitted once: steps select, datetime_part, lowercase,
// categories, one_hot, standard_scaler; logistic_regression on 12 features.
Model& Fitted() {
  static Model model = [] {
    GenTaxiOptions gen;
    gen.rows = 3000;
    gen.threads = 1;
    std::string csv = GenerateTaxi(gen, (ScratchDir() / "train.csv").string()).at(0);
    FitOptions options;
    options.threads = 1;
    FitReport report;
    return FitModel(LoadSpec(std::string(OUTCORE_SOURCE_DIR) + "/examples/taxi_tip.toml"), {csv},
                    options, &report);
  }();
  return model;
}

// The fitted model's file, as SaveModel writes it.
const std::string& FittedText() {
  static const std::string text = [] {
    const fs::path path = ScratchDir() / "fitted.json";
    SaveModel(Fitted(), path.string());
    return ReadText(path);
  }();
  return text;
}

// Big inputs are made here, not committed: a case's patch puts "@EXPAND@" where they go.
std::string Expansion(const std::string& name) {
  auto repeat = [](const std::string& unit, size_t n) {
    std::string out;
    out.reserve(unit.size() * n);
    for (size_t i = 0; i < n; ++i) out += unit;
    return out;
  };
  if (name == "deep_nesting") return repeat("[", 100000) + repeat("]", 100000);
  if (name == "array_10M") return "[" + repeat("0,", 10000000) + "0]";
  if (name == "string_60MB") return "\"" + std::string(60u << 20, 'a') + "\"";
  if (name == "tree_depth_10000") {  // a gradient boosting estimator whose one tree is a chain of splits
    constexpr int kDepth = 10000;
    Json tree = {{"group", 0}, {"feature", Json::array()}, {"threshold", Json::array()}, {"left", Json::array()},
                 {"right", Json::array()}, {"missing_left", Json::array()}, {"value", Json::array()}};
    auto node = [&](int feature, int left, int right) {
      tree["feature"].push_back(feature), tree["threshold"].push_back(0.5), tree["left"].push_back(left);
      tree["right"].push_back(right), tree["missing_left"].push_back(false), tree["value"].push_back(0.0);
    };
    for (int i = 0; i < kDepth; ++i) node(0, i + 1, kDepth + 1 + i);  // splits 0..kDepth-1
    for (int i = 0; i <= kDepth; ++i) node(-1, -1, -1);                 // the leaves
    return Json{{"kind", "gradient_boosting_classifier"},
                {"params", Json::object()},
                {"state", {{"n_features", 12}, {"n_outputs", 1}, {"link", "sigmoid"}, {"compare", "x <= threshold"},
                           {"base_score", {0.0}}, {"trees", {tree}}}}}
        .dump();
  }
  if (name == "values_5M") return "[" + repeat("[" + repeat("0,", 499999) + "0],", 9) + "[0]]";
  ADD_FAILURE() << "unknown expansion " << name;
  return "";
}

// Writes the file a case describes and returns its path. A case gives raw bytes ("hex" or
// "text"), or a JSON Patch of the fitted model ("patch"), maybe with an expansion or a
// literal ("expand", "literal") put where the patch wrote "@EXPAND@", or it is cut short
// ("truncate") or inflated past the size cap ("sparse_bytes").
std::string Materialise(const std::string& name, const Json& c) {
  const fs::path path = ScratchDir() / (name + ".model");
  if (c.contains("hex")) {
    std::string hex = c["hex"], bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    WriteText(path, bytes);
    return path.string();
  }
  if (c.contains("text")) {
    WriteText(path, c["text"].get<std::string>());
    return path.string();
  }
  std::string text = FittedText();
  if (c.contains("patch")) text = Json::parse(text).patch(c["patch"]).dump(1);
  if (c.contains("expand") || c.contains("literal")) {
    size_t at = text.find("\"@EXPAND@\"");
    EXPECT_NE(at, std::string::npos) << name;
    text.replace(at, 10, c.contains("literal") ? c["literal"].get<std::string>() : Expansion(c["expand"]));
  }
  if (c.contains("truncate")) text.resize(static_cast<size_t>(text.size() * c["truncate"].get<double>()));
  WriteText(path, text);
  if (c.contains("sparse_bytes")) fs::resize_file(path, c["sparse_bytes"].get<uintmax_t>());
  return path.string();
}

ErrorCode CodeNamed(const std::string& name) {
  if (name == "io") return ErrorCode::kIO;
  EXPECT_EQ(name, "model");
  return ErrorCode::kModel;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCases))
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class HostileModel : public ::testing::TestWithParam<std::string> {};

TEST_P(HostileModel, IsRefusedWithItsOwnError) {
  const Json c = Json::parse(ReadText(kCases / (GetParam() + ".json")));
  const std::string path = Materialise(GetParam(), c);
  try {
    LoadModel(path);
    ADD_FAILURE() << GetParam() << " loaded; expected: " << c["error"];
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), CodeNamed(c["code"])) << message;
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << "does not start with the file: " << message;
    EXPECT_NE(message.find(c["error"].get<std::string>()), std::string::npos)
        << "expected: " << c["error"] << "\n     got: " << message;
    EXPECT_LT(message.size(), 1000u) << "a message, not a dump";
  }
  fs::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileModel, ::testing::ValuesIn(CaseNames()),
                         [](const auto& info) { return info.param; });

// The corpus is worth something only if the unmutated model loads: every case then fails
// because of its own mutation.
TEST(ModelSafety, TheFittedModelLoads) {
  const std::string path = (ScratchDir() / "plain.json").string();
  WriteText(path, FittedText());
  Model m = LoadModel(path);
  EXPECT_EQ(m.pipeline.steps.size(), 6u);
  EXPECT_EQ(m.pipeline.feature_names.size(), 12u);
  EXPECT_GE(CaseNames().size(), 40u);
}

TEST(ModelSafety, MissingFileAndDirectoryAreIOErrors) {
  for (const std::string& path : {(ScratchDir() / "absent.json").string(), ScratchDir().string()}) {
    try {
      LoadModel(path);
      ADD_FAILURE() << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kIO) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
    }
  }
}

// Policy: a newer minor version only adds keys; this reader reads what it knows and skips
// the rest. Files of its own version must not have keys it does not know.
TEST(ModelSafety, NewerMinorVersionLoadsAndSkipsAddedKeys) {
  Json j = Json::parse(FittedText());
  j["format_version"] = "1.7";
  j["calibration"] = {{"method", "isotonic"}};
  j["read_options"]["quote"] = "'";
  const std::string path = (ScratchDir() / "minor.json").string();
  WriteText(path, j.dump());
  Model m = LoadModel(path);
  EXPECT_EQ(ModelToJson(m)["format_version"], "1.0");
  EXPECT_FALSE(ModelToJson(m).contains("calibration"));
  j["format_version"] = "1.0";
  WriteText(path, j.dump());
  EXPECT_THROW(LoadModel(path), Error);
}

TEST(ModelSafety, ALoadedModelSavesAndLoadsAgainWithItsFitInfo) {
  const std::string path = (ScratchDir() / "again.json").string();
  WriteText(path, FittedText());
  Model loaded = LoadModel(path);
  const Json fit_info = Fitted().pipeline.estimator->FitInfo();
  ASSERT_TRUE(fit_info.contains("iterations"));
  EXPECT_EQ(ModelToJson(loaded)["estimator"]["fit_info"], fit_info);
  Model again = ModelFromJson(ModelToJson(loaded));
  EXPECT_EQ(ModelToJson(again)["estimator"], ModelToJson(loaded)["estimator"]);
}

// What the fuzzer asks of a model that loads: it scores a batch of awkward values from its
// input schema (missing, NaN, unseen categories), one prediction per row.
TEST(ModelSafety, ALoadedModelScoresAwkwardRows) {
  const Model& m = Fitted();
  Batch batch;
  batch.num_rows = 3;
  for (const Field& f : m.input_schema.fields()) {
    auto c = std::make_shared<Column>(f.type);
    c->length = 3;
    c->f64 = {std::nan(""), 1e308, -1};
    c->i64 = {0, INT64_MIN, 1};
    if (f.type == DataType::kCategory) c->codes = {0, 1, 0}, c->dict = std::make_shared<Dictionary>(Dictionary{"??", "VTS"});
    if (f.type != DataType::kF64) c->f64.clear();
    if (f.type != DataType::kI64 && f.type != DataType::kTimestamp) c->i64.clear();
    ASSERT_NE(f.type, DataType::kString);  // the taxi model reads no string column
    c->SetNull(2);
    batch.Add(f.name, c);
  }
  std::vector<double> p = m.pipeline.Predict(batch, nullptr);
  EXPECT_EQ(p.size(), 3u);
}

// ---- Pipeline specs: every error names the spec and the key.

void ExpectSpecError(const std::string& toml, const std::string& expected) {
  try {
    ParseSpec(toml, "hostile.toml");
    ADD_FAILURE() << "parsed; expected: " << expected;
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kModel) << message;
    EXPECT_EQ(message.rfind("hostile.toml: ", 0), 0u) << message;
    EXPECT_NE(message.find(expected), std::string::npos) << "expected: " << expected << "\n     got: " << message;
    EXPECT_LT(message.size(), 1000u);
  }
}

const std::string kModelTable = "[model]\nkind = \"logistic_regression\"\n";

TEST(SpecSafety, NotToml) {
  ExpectSpecError(std::string("\x80\x04\x95\x00\x01", 5), "line 1, column 1");
  ExpectSpecError("{\"target\": \"y\"}", "line 1, column 1");
  ExpectSpecError("", "'target' is required");
}

TEST(SpecSafety, UnknownKindsAndBadParameters) {
  ExpectSpecError("target = \"y > 0\"\n[[steps]]\nkind = \"select\"\ncolumns = [\"a\"]\n[[steps]]\nkind = \"eval\"\n" + kModelTable,
                  "steps[1]: unknown step kind 'eval' (known: select");
  ExpectSpecError("target = \"y > 0\"\n[[steps]]\nkind = \"standard_scaler\"\ncolumns = [\"a\"]\nddof = 2\n" + kModelTable,
                  "steps[0]: standard_scaler: parameter 'ddof' must be 0");
  ExpectSpecError("target = \"y > 0\"\n[model]\nkind = \"svm\"\n", "unknown model kind 'svm'");
  ExpectSpecError("target = \"y > abc\"\n" + kModelTable, "'target': target 'y > abc': 'abc' is not a number");
  ExpectSpecError("target = \"> 1\"\n" + kModelTable, "'target': target '> 1' names no column");
}

TEST(SpecSafety, WrongTypes) {
  ExpectSpecError("target = 1\n" + kModelTable, "'target' is required, as a string");
  ExpectSpecError("target = \"y\"\nsteps = 3\n" + kModelTable, "'steps' must be an array of tables");
  ExpectSpecError("target = \"y\"\n[[steps]]\nkind = 7\n" + kModelTable, "steps[0] needs kind = \"...\"");
  ExpectSpecError("target = \"y\"\n[read]\nheader = \"yes\"\n" + kModelTable, "'read.header' must be true or false");
  ExpectSpecError("target = \"y\"\n[read]\ninfer_rows = -4\n" + kModelTable, "'read.infer_rows' must be a positive integer");
  ExpectSpecError("target = \"y\"\n[[steps]]\nkind = \"select\"\ncolumns = [1, 2]\n" + kModelTable,
                  "steps[0]: select: parameter 'columns' must be a list of strings");
  ExpectSpecError("target = \"y\"\n[model]\nkind = \"logistic_regression\"\nC = \"big\"\n",
                  "logistic_regression: parameter 'C' must be a number");
  ExpectSpecError("target = \"y\"\n[[steps]]\nkind = \"imputer\"\ncolumns = [\"a\"]\nstrategy = \"constant\"\nfill_value = nan\n" +
                      kModelTable,
                  "steps[0]: imputer: parameter 'fill_value' must be a finite number or a string");
}

TEST(SpecSafety, DeepNestingAndHugeInputs) {
  ExpectSpecError("target = \"y\"\n[model]\nkind = \"ridge\"\nalpha = " + std::string(100000, '[') + "\n",
                  "line 4");  // toml++ stops at its nesting limit (256)
  ExpectSpecError("target = \"y\"\n[model]\nkind = \"ridge\"\nalpha = " + std::string(40, '[') + std::string(40, ']') + "\n",
                  "'model.alpha[0][0][0][0][0][0][0][0][0][0][0][0][0][0]' is nested deeper than 16 levels");
  std::string dotted = "a";
  for (int i = 0; i < 40; ++i) dotted += ".a";
  ExpectSpecError("target = \"y\"\n" + dotted + " = 1\n" + kModelTable, "is nested deeper than 16 levels");
  std::string very = "a";
  for (int i = 0; i < 200000; ++i) very += ".a";  // would overflow toml++'s stack
  ExpectSpecError("target = \"y\"\n" + very + " = 1\n" + kModelTable, "more than 16384 '.' characters");
  std::string huge = "target = \"y\"\nx = [";
  for (int i = 0; i < 600000; ++i) huge += "0,";
  ExpectSpecError(huge + "0]\n", "the spec is 1200021 bytes, over the 1048576-byte cap");
  const fs::path path = ScratchDir() / "huge.toml";
  WriteText(path, huge + "0]\n");
  try {
    LoadSpec(path.string());
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": ", 0), 0u) << e.what();
  }
}

// A select step may name one column as a string; the columns to read are still that one.
TEST(SpecSafety, SelectOfOneColumnGivesItsInputColumn) {
  PipelineSpec spec = ParseSpec("target = \"y\"\n[[steps]]\nkind = \"select\"\ncolumns = \"a\"\n[model]\nkind = \"ridge\"\n", "one.toml");
  EXPECT_EQ(spec.InputColumns(), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace outcore
