// The contract every registered kind keeps, checked for each one by iterating the registry:
// a small pipeline around the kind, fitted on a generated table of numbers, text, categories,
// datetimes and missing values, (a) saved and loaded gives bitwise the same transform output
// and predictions, (b) refitted on the same rows gives the same model file (apart from its
// creation time and the seconds it took), and (c) for each step, fitting it over the rows in
// several chunks (Reset, PartialFit per chunk, FinishFit) gives the state and output of
// fitting it on the rows at once. Estimators fit in one call (no PartialFit), so (c) is for
// steps only. A kind registered without a case below fails every test of this file.
// (Parameter validation is registry_test.cc's.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/fit.h"
#include "outcore/model.h"
#include "outcore/pipeline.h"
#include "test_util.h"

namespace outcore {
namespace {
using namespace testing;

// Each registered kind: a spec that puts it in a pipeline whose features are numbers without
// missing values, so that an estimator can fit them. Columns of the table (MakeTable): x
// (float, missing), n (int), t (text, mixed case and spaces, missing), c (category, missing),
// d (datetime, missing), y (the target, missing on some rows).
const std::map<std::string, std::string>& Cases() {
  static const std::map<std::string, std::string> cases = {
      {"select", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["n", "x", "c"]
[[steps]]
kind = "imputer"
columns = ["x"]
[[steps]]
kind = "one_hot"
)"},
      {"drop", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "drop"
columns = ["t", "d", "absent"]
[[steps]]
kind = "imputer"
columns = ["x"]
[[steps]]
kind = "one_hot"
)"},
      {"datetime_part", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["d", "x"]
[[steps]]
kind = "datetime_part"
columns = ["d"]
parts = ["hour", "day_of_week", "day_of_year"]
[[steps]]
kind = "imputer"
columns = ["x", "d_hour", "d_day_of_week", "d_day_of_year"]
strategy = "most_frequent"
)"},
      {"lowercase", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["t", "c", "x"]
[[steps]]
kind = "lowercase"
columns = ["t", "c"]
[[steps]]
kind = "imputer"
columns = ["x"]
strategy = "median"
[[steps]]
kind = "one_hot"
)"},
      {"strip", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["t", "x"]
[[steps]]
kind = "strip"
columns = ["t"]
[[steps]]
kind = "imputer"
columns = ["x"]
[[steps]]
kind = "one_hot"
)"},
      {"categories", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["c", "t", "x"]
[[steps]]
kind = "categories"
categories = { c = ["u", "v", "w"], t = ["red", "BLUE", "Green  "] }
[[steps]]
kind = "imputer"
columns = ["x"]
[[steps]]
kind = "one_hot"
)"},
      {"one_hot", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["c", "t", "x"]
[[steps]]
kind = "imputer"
columns = ["x"]
[[steps]]
kind = "one_hot"
max_categories = 3
)"},
      {"ordinal", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["c", "t", "n", "x"]
[[steps]]
kind = "ordinal"
columns = ["c", "t", "n"]
unknown_value = -1
[[steps]]
kind = "imputer"
columns = ["x", "c", "t"]
strategy = "most_frequent"
)"},
      {"standard_scaler", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["x", "n"]
[[steps]]
kind = "standard_scaler"
columns = ["x", "n"]
ddof = 1
[[steps]]
kind = "imputer"
columns = ["x"]
strategy = "constant"
fill_value = 0
)"},
      {"imputer", R"(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["x", "n", "t", "c"]
[[steps]]
kind = "imputer"
columns = ["x", "n"]
strategy = "median"
[[steps]]
kind = "imputer"
columns = ["t", "c"]
strategy = "most_frequent"
[[steps]]
kind = "one_hot"
)"},
      {"expression", R"J(target = "y"
[model]
kind = "ridge"
[[steps]]
kind = "select"
columns = ["x", "n", "t", "c", "d"]
[[steps]]
kind = "expression"
[steps.columns]
x = "coalesce(x, n / 2)"
ratio = "if(is_null(x), 0, x / nullif(n, 0))"
late = "coalesce(hour(d) >= 20 or hour(d) < 6, false)"
long = "coalesce(length(lower(t)) > 4, false)"
root = "coalesce(sqrt(abs(x)) + log1p(clip(n, 0, 5)), 0)"
t = "lower(coalesce(t, c, 'none'))"
[[steps]]
kind = "drop"
columns = ["c", "d"]
[[steps]]
kind = "imputer"
columns = ["ratio"]
[[steps]]
kind = "one_hot"
)J"},
      {"logistic_regression", R"(target = "y > 0"
[model]
kind = "logistic_regression"
C = 0.5
[[steps]]
kind = "select"
columns = ["x", "n", "c"]
[[steps]]
kind = "imputer"
columns = ["x"]
[[steps]]
kind = "standard_scaler"
columns = ["n"]
[[steps]]
kind = "one_hot"
)"},
      {"linear_regression", R"(target = "y"
[model]
kind = "linear_regression"
[[steps]]
kind = "select"
columns = ["x", "n", "c"]
[[steps]]
kind = "imputer"
columns = ["x"]
[[steps]]
kind = "one_hot"
)"},
      // Trees take missing values (x) as they are: no imputer.
      {"gradient_boosting_classifier", R"(target = "y > 0"
[model]
kind = "gradient_boosting_classifier"
max_iter = 20
max_leaf_nodes = 7
min_samples_leaf = 10
[[steps]]
kind = "select"
columns = ["x", "n", "c"]
[[steps]]
kind = "one_hot"
)"},
      {"gradient_boosting_regressor", R"(target = "y"
[model]
kind = "gradient_boosting_regressor"
max_iter = 30
max_depth = 3
early_stopping = true
random_state = 3
[[steps]]
kind = "select"
columns = ["x", "n", "d"]
[[steps]]
kind = "datetime_part"
columns = ["d"]
part = "hour"
)"},
      {"random_forest_classifier", R"(target = "y > 0"
[model]
kind = "random_forest_classifier"
n_estimators = 10
max_depth = 5
class_weight = "balanced"
[[steps]]
kind = "select"
columns = ["x", "n", "c"]
[[steps]]
kind = "one_hot"
)"},
      {"random_forest_regressor", R"(target = "y"
[model]
kind = "random_forest_regressor"
n_estimators = 10
max_features = 0.5
max_samples = 0.8
random_state = 3
[[steps]]
kind = "select"
columns = ["x", "n", "d"]
[[steps]]
kind = "datetime_part"
columns = ["d"]
part = "hour"
)"},
      {"ridge", R"(target = "y"
[model]
kind = "ridge"
alpha = 0.5
fit_intercept = false
[[steps]]
kind = "select"
columns = ["x", "n", "c", "d"]
[[steps]]
kind = "datetime_part"
columns = ["d"]
part = "month"
[[steps]]
kind = "imputer"
columns = ["x", "d"]
[[steps]]
kind = "one_hot"
)"},
  };
  return cases;
}

std::vector<std::string> RegisteredKinds() {
  std::vector<std::string> kinds;
  for (const auto& r : StepRegistry()) kinds.push_back(r.kind);
  for (const auto& r : EstimatorRegistry()) kinds.push_back(r.kind);
  return kinds;
}

// Rows [from, to) of the generated table; with `target`, the column y too. Every column but n
// has missing values; t and c hold values `unseen` (which training rows never have) where
// `unseen` is set.
Batch MakeTable(int from, int to, bool target, bool unseen = false) {
  const char* texts[] = {" Red", "red", "BLUE", "blue", "Green  "};
  const char* cats[] = {"u", "v", "w", "v"};
  std::vector<double> x, y;
  std::vector<int64_t> n;
  std::vector<std::string> t, c;
  auto d = std::make_shared<Column>(DataType::kTimestamp);
  const int64_t start = int64_t{1704067200} * 1000000;  // 2024-01-01 00:00:00 UTC
  for (int i = from; i < to; ++i) {
    const double xi = std::sin(i * 0.37) * 4 + (i % 5) * 0.25;
    const std::string ci = i % 9 == 2 ? "<null>" : unseen && i % 7 == 0 ? "q" : cats[(i * i) % 4];
    x.push_back(i % 11 == 5 ? NAN : xi);
    n.push_back((i * 7) % 13 - 6);
    t.push_back(i % 13 == 4 ? "<null>" : unseen && i % 6 == 0 ? "Purple" : texts[i % 5]);
    c.push_back(ci);
    d->i64.push_back(start + int64_t{i} * 13'020 * 1000000);  // every 3 h 37 min
    y.push_back(i % 19 == 0 ? NAN : xi * 0.8 - (i % 4) * 0.5 + (ci == "u" ? 1.0 : -0.3) + std::cos(i * 1.3));
  }
  d->length = to - from;
  for (int i = from; i < to; ++i)
    if (i % 10 == 7) d->SetNull(i - from);
  std::vector<std::pair<std::string, ColumnPtr>> cols = {
      {"x", F64(x)}, {"n", I64(n)}, {"t", Str(t)}, {"c", Cat(c)}, {"d", d}};
  if (target) cols.push_back({"y", F64(y)});
  return MakeBatch(cols);
}

// The training rows: 300, in three chunks of uneven size.
std::vector<Batch> TrainingChunks(bool target) {
  return {MakeTable(0, 97, target), MakeTable(97, 210, target), MakeTable(210, 300, target)};
}

// A float equal to `b`: bitwise when `tolerance` is 0, else within `tolerance` relative to the
// larger magnitude (or 1).
bool Near(double a, double b, double tolerance) {
  if (tolerance == 0) return std::memcmp(&a, &b, sizeof a) == 0;
  return std::fabs(a - b) <= tolerance * std::max({1.0, std::fabs(a), std::fabs(b)});
}

// The first difference between two batches ("" if none): names, types, missing values, text,
// and floats compared as Near says.
std::string FirstDifference(const Batch& a, const Batch& b, double tolerance = 0) {
  if (a.num_rows != b.num_rows)
    return std::to_string(a.num_rows) + " rows, not " + std::to_string(b.num_rows);
  if (!(a.schema == b.schema)) {
    std::string names;
    for (const auto& f : a.schema.fields()) names += f.name + ":" + std::string(TypeName(f.type)) + " ";
    names += "vs ";
    for (const auto& f : b.schema.fields()) names += f.name + ":" + std::string(TypeName(f.type)) + " ";
    return "schemas differ: " + names;
  }
  for (int j = 0; j < a.schema.size(); ++j) {
    const Column& ca = *a.columns[j];
    const Column& cb = *b.columns[j];
    for (int64_t i = 0; i < a.num_rows; ++i) {
      bool same = ca.IsNull(i) == cb.IsNull(i);
      if (same && !ca.IsNull(i)) {
        switch (ca.type) {
          case DataType::kF64: same = Near(ca.f64[i], cb.f64[i], tolerance); break;
          case DataType::kString: same = ca.Str(i) == cb.Str(i); break;
          case DataType::kCategory: same = ca.Category(i) == cb.Category(i); break;
          default: same = ca.ToString(i) == cb.ToString(i);
        }
      }
      if (!same) {
        char buf[64];
        auto text = [&](const Column& c) {
          if (c.IsNull(i)) return std::string("missing");
          if (c.type != DataType::kF64) return "'" + c.ToString(i) + "'";
          std::snprintf(buf, sizeof buf, "%.17g", c.f64[i]);
          return std::string(buf);
        };
        return "column " + a.schema.field(j).name + ", row " + std::to_string(i) + ": " + text(ca) +
               " vs " + text(cb);
      }
    }
  }
  return "";
}

// The first difference between two JSON values ("" if none), numbers compared as Near says.
std::string FirstDifference(const Json& a, const Json& b, double tolerance, const std::string& where = "") {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float() ? Near(a.get<double>(), b.get<double>(), tolerance) : a == b)
      return "";
    return where + ": " + a.dump() + " vs " + b.dump();
  }
  if (a.type() != b.type() || a.size() != b.size()) return where + ": " + a.dump() + " vs " + b.dump();
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) return where + "." + it.key() + ": only in the first";
      std::string d = FirstDifference(it.value(), b[it.key()], tolerance, where + "." + it.key());
      if (!d.empty()) return d;
    }
    return "";
  }
  if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i) {
      std::string d = FirstDifference(a[i], b[i], tolerance, where + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }
  return a == b ? "" : where + ": " + a.dump() + " vs " + b.dump();
}

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// The input columns of the model, in its input schema's order, from `table`.
Batch Inputs(const Model& m, const Batch& table) {
  Batch b;
  b.num_rows = table.num_rows;
  for (const auto& f : m.input_schema.fields()) b.Add(f.name, table.Get(f.name));
  return b;
}

// The model file's JSON without what differs between two fits of the same rows: when it was
// made, the seconds it took, and the fingerprint of the saved bytes (which hold both).
Json Comparable(const Model& m) {
  Json j = ModelToJson(m);
  j.erase("created");
  j.erase("fingerprint");
  if (j.contains("training")) j["training"].erase("seconds");
  return j;
}

Model Fit(const PipelineSpec& spec) {
  FitOptions options;
  options.threads = 2;
  options.seed = 7;
  FitReport report;
  return FitModelOnBatches(spec, TrainingChunks(true), Target::Parse(spec.target), options, &report);
}

TEST(RegistryContract, EveryRegisteredKindHasACaseAndEveryCaseAKind) {
  std::set<std::string> registered;
  for (const auto& kind : RegisteredKinds()) {
    registered.insert(kind);
    EXPECT_TRUE(Cases().count(kind)) << "kind '" << kind
                                     << "' is registered without a case in registry_contract_test.cc";
  }
  for (const auto& [kind, spec] : Cases())
    EXPECT_TRUE(registered.count(kind)) << "case '" << kind << "' is not a registered kind";
}

class KindContract : public ::testing::TestWithParam<std::string> {
 protected:
  // The case's spec, checked to hold the kind under test.
  PipelineSpec Spec() {
    const std::string& kind = GetParam();
    auto it = Cases().find(kind);
    if (it == Cases().end()) {
      ADD_FAILURE() << "kind '" << kind << "' is registered without a case in registry_contract_test.cc";
      return {};
    }
    PipelineSpec spec = ParseSpec(it->second, kind + ".toml");
    bool used = spec.model["kind"] == kind;
    for (const auto& s : spec.steps) used = used || s["kind"] == kind;
    EXPECT_TRUE(used) << "the case for '" << kind << "' does not use it";
    return spec;
  }
};

TEST_P(KindContract, SavedAndLoadedTransformsAndPredictsBitwiseTheSame) {
  const PipelineSpec spec = Spec();
  if (HasFailure()) return;
  Model fitted = Fit(spec);
  const std::string path = ::testing::TempDir() + "/contract_" + GetParam() + ".json";
  SaveModel(fitted, path);
  Model loaded = LoadModel(path);

  EXPECT_EQ(FirstDifference(Comparable(loaded), Comparable(fitted), 0), "");
  EXPECT_EQ(loaded.fingerprint, fitted.fingerprint);
  // Rows it was not fitted on, with missing values and unseen categories and text.
  const Batch table = MakeTable(1000, 1250, false, /*unseen=*/true);
  const Batch in_fitted = Inputs(fitted, table), in_loaded = Inputs(loaded, table);
  TransformStats fitted_stats, loaded_stats;
  EXPECT_EQ(FirstDifference(loaded.pipeline.Transform(in_loaded, &loaded_stats),
                            fitted.pipeline.Transform(in_fitted, &fitted_stats)),
            "");
  EXPECT_EQ(loaded_stats.counters, fitted_stats.counters);

  const std::vector<double> predicted = fitted.pipeline.Predict(in_fitted, nullptr);
  ASSERT_EQ(predicted.size(), 250u);
  EXPECT_TRUE(SameBits(loaded.pipeline.Predict(in_loaded, nullptr), predicted));
  for (double p : predicted) ASSERT_TRUE(std::isfinite(p)) << GetParam() << ": a prediction is " << p;
}

TEST_P(KindContract, RefittingTheSameRowsGivesTheSameModel) {
  const PipelineSpec spec = Spec();
  if (HasFailure()) return;
  Model first = Fit(spec), second = Fit(spec);
  EXPECT_EQ(FirstDifference(Comparable(second), Comparable(first), 0), "");
  const Batch in = Inputs(first, MakeTable(500, 600, false));
  EXPECT_TRUE(SameBits(second.pipeline.Predict(in, nullptr), first.pipeline.Predict(in, nullptr)));
}

// A step that merges per-chunk sums (standard_scaler's mean and M2, by Chan et al.'s update)
// rounds differently from one pass over all rows: equal to ~1e-15, not bitwise.
constexpr double kChunkTolerance = 1e-13;

TEST_P(KindContract, FittingEachStepOverChunksEqualsFittingItAtOnce) {
  const PipelineSpec spec = Spec();
  if (HasFailure()) return;
  Pipeline over_chunks = spec.Build(), at_once = spec.Build();
  std::vector<Batch> chunks = TrainingChunks(false);
  Batch whole = MakeTable(0, 300, false);
  for (size_t i = 0; i < at_once.steps.size(); ++i) {
    Step& a = *over_chunks.steps[i];
    Step& b = *at_once.steps[i];
    SCOPED_TRACE("step " + std::to_string(i) + " (" + a.kind() + ")");
    a.Reset();
    for (const auto& chunk : chunks) a.PartialFit(chunk);
    a.FinishFit();
    // `b` is fitted on the first chunk first: Reset must forget that fit.
    b.Reset();
    b.PartialFit(chunks[0]);
    b.FinishFit();
    b.Reset();
    b.PartialFit(whole);
    b.FinishFit();
    EXPECT_EQ(FirstDifference(a.SaveState(), b.SaveState(), kChunkTolerance), "");
    // Both transform the whole rows the same; the next step is fitted on their output.
    TransformStats sa, sb;
    sa.lenient = sb.lenient = true;
    const Batch input = whole;
    whole = b.Transform(input, &sb);
    EXPECT_EQ(FirstDifference(a.Transform(input, &sa), whole, kChunkTolerance), "");
    EXPECT_EQ(sa.counters, sb.counters);
    for (auto& chunk : chunks) chunk = a.Transform(chunk, &sa);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryKind, KindContract, ::testing::ValuesIn(RegisteredKinds()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace outcore
