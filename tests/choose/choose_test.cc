// Model selection: folds, scores, AUC, the sampling reservoir, search spaces, the SVG plot,
// and tune / learning curve on a small CSV.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "choose/rows.h"
#include "choose/svg_plot.h"
#include "core/random.h"
#include "outcore/error.h"
#include "outcore/metrics.h"
#include "outcore/sample.h"
#include "outcore/tune.h"
#include "test_util.h"

namespace outcore {
namespace {

using testing::F64;
using testing::I64;
using testing::Str;
using testing::ExpectError;

// P(X >= x) for X ~ chi-square(dof), by the Wilson-Hilferty normal approximation (ample for
// a pass/fail decision at 1%).
double ChiSquarePValue(double x, int dof) {
  double k = dof;
  double z = (std::cbrt(x / k) - (1 - 2 / (9 * k))) / std::sqrt(2 / (9 * k));
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

double ChiSquare(const std::vector<double>& observed, const std::vector<double>& expected) {
  double x = 0;
  for (size_t i = 0; i < observed.size(); ++i)
    x += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return x;
}

// ---------------------------------------------------------------------------------------------
// Folds

TEST(Folds, ContiguousLikeScikitLearnKFold) {
  CvOptions o;
  o.folds = 3;
  Folds f = MakeFolds(10, o);  // KFold(3) on 10 rows: 4, 3, 3
  EXPECT_EQ(f.begin, (std::vector<int64_t>{0, 4, 7, 10}));
  EXPECT_EQ(f.ValidMask(1), (std::vector<uint8_t>{0, 0, 0, 0, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(f.TrainMask(1), (std::vector<uint8_t>{1, 1, 1, 1, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(f.TrainMask(0, 2), (std::vector<uint8_t>{0, 0, 0, 0, 1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(f.train_rows(0), 6);
  ExpectError([] { MakeFolds(2, CvOptions{}); }, ErrorCode::kInvalidInput, "5 folds of 2 rows");
  CvOptions one;
  one.folds = 1;
  ExpectError([&] { MakeFolds(10, one); }, ErrorCode::kUsage, "--cv must be at least 2");
}

TEST(Folds, ShuffledFoldsAreADeterministicPermutation) {
  std::vector<int64_t> p = ShufflePermutation(1000, 7);
  EXPECT_EQ(p, ShufflePermutation(1000, 7));
  EXPECT_NE(p, ShufflePermutation(1000, 8));
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 1000; ++i) ASSERT_EQ(sorted[i], i);
  CvOptions o;
  o.shuffle_seed = 7;
  Folds f = MakeFolds(1000, o);
  EXPECT_EQ(f.order, p);
  // Every row is in exactly one validation fold.
  std::vector<int> seen(1000, 0);
  for (int k = 0; k < 5; ++k) {
    auto m = f.ValidMask(k);
    for (int i = 0; i < 1000; ++i) seen[i] += m[i];
  }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
}

// ---------------------------------------------------------------------------------------------
// Metrics

TEST(Metrics, ExactRocAucCountsTiesHalf) {
  std::vector<double> y = {0, 0, 1, 1}, p = {0.1, 0.4, 0.35, 0.8};
  EXPECT_DOUBLE_EQ(RocAuc(y.data(), p.data(), 4), 0.75);  // scikit-learn's doc example
  std::vector<double> y2 = {0, 1, 0, 1}, p2 = {0.5, 0.5, 0.2, 0.9};
  EXPECT_DOUBLE_EQ(RocAuc(y2.data(), p2.data(), 4), 3.5 / 4);
  std::vector<double> one_class = {1, 1};
  EXPECT_TRUE(std::isnan(RocAuc(one_class.data(), p.data(), 2)));
}

TEST(Metrics, BinnedAucIsWithinItsBoundAndMerges) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y, p;
  for (int i = 0; i < 200000; ++i) {
    double label = i % 3 == 0;
    double z = 1.5 * label - 0.7 + noise(rng);
    y.push_back(label);
    // Many exact ties and scores crowded near 0, as a confident model gives.
    double q = 1 / (1 + std::exp(-4 * z));
    p.push_back(i % 10 == 0 ? std::round(q * 20) / 20 : q);
  }
  double exact = RocAuc(y.data(), p.data(), static_cast<int64_t>(y.size()));
  double previous_bound = 1;
  for (int bins : {16, 1024, 1 << 16, 1 << 20}) {
    BinnedRocAuc a(bins), b(bins), whole(bins);
    a.Add(y.data(), p.data(), 100000);
    b.Add(y.data() + 100000, p.data() + 100000, 100000);
    a.Merge(b);
    whole.Add(y.data(), p.data(), 200000);
    EXPECT_EQ(a.Auc(), whole.Auc());
    EXPECT_LE(std::abs(a.Auc() - exact), a.ErrorBound() + 1e-15) << bins << " bins";
    EXPECT_LE(a.ErrorBound(), previous_bound);
    previous_bound = a.ErrorBound();
  }
  EXPECT_LT(previous_bound, 1e-3);
}

TEST(Metrics, ConfusionPrecisionRecallF1) {
  // Predicted positive when p > 0.5: tp = 2, fp = 1, fn = 1, tn = 2.
  std::vector<double> y = {1, 1, 1, 0, 0, 0}, p = {0.9, 0.6, 0.5, 0.7, 0.2, 0.1};
  DetailedMetrics m(true, 64);
  m.Add(y.data(), p.data(), 6);
  nlohmann::json j = m.ToJson();
  EXPECT_EQ(j["confusion_matrix"], nlohmann::json::parse("[[2, 1], [1, 2]]"));
  EXPECT_DOUBLE_EQ(j["precision"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(j["recall"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(j["f1"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 4.0 / 6);
  ConfusionMatrix none;  // zero division gives 0, as scikit-learn's default
  EXPECT_EQ(none.precision(), 0);
  EXPECT_EQ(none.f1(), 0);
}

TEST(Metrics, ScoresByName) {
  std::vector<double> y = {1, 2, 3, 4}, p = {1.5, 2, 2.5, 4};
  EXPECT_DOUBLE_EQ(Score("mae", y, p), 0.25);
  EXPECT_DOUBLE_EQ(Score("rmse", y, p), std::sqrt(0.125));
  EXPECT_DOUBLE_EQ(Score("r2", y, p), 1 - 0.5 / 5);
  EXPECT_EQ(ResolveScoring("", true), "accuracy");
  EXPECT_EQ(ResolveScoring("", false), "r2");
  EXPECT_FALSE(HigherIsBetter("log_loss"));
  ExpectError([] { ResolveScoring("rmse", true); }, ErrorCode::kUsage, "for regressors");
  ExpectError([] { ResolveScoring("f2", true); }, ErrorCode::kUsage, "unknown 'f2'");
}

// ---------------------------------------------------------------------------------------------
// Sampling reservoir

Batch IdBatch(int64_t first, int64_t n) {
  std::vector<int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), first);
  Batch b;
  b.Add("id", I64(ids));
  b.num_rows = n;
  return b;
}

std::vector<int64_t> Ids(const Batch& b) {
  return b.num_rows ? b.Get("id")->i64 : std::vector<int64_t>();
}

// Draws k of the rows of splits of the given sizes: one reservoir per split, merged.
std::vector<int64_t> SampleSplits(const std::vector<int64_t>& sizes, int64_t k, uint64_t seed,
                                  bool weighted) {
  std::vector<RowReservoir> parts;
  int64_t first = 0;
  for (size_t s = 0; s < sizes.size(); ++s) {
    RowReservoir r(k);
    uint64_t state = choose::StreamState(seed, s);
    std::vector<uint64_t> keys(sizes[s]);
    for (auto& key : keys) key = SplitMix64(&state);
    r.Offer(IdBatch(first, sizes[s]), keys, static_cast<uint64_t>(s) << 40);
    first += sizes[s];
    parts.push_back(std::move(r));
  }
  if (weighted) {
    RowReservoir all(k);
    for (auto& r : parts) all.Merge(std::move(r));
    return Ids(all.Rows());
  }
  // The classic mistake: the same share from every split, whatever its size.
  std::vector<int64_t> out;
  for (auto& r : parts) {
    std::vector<int64_t> ids = Ids(r.Rows());
    ids.resize(std::min<size_t>(ids.size(), k / sizes.size()));
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

// Chi-square p-value of how often each row is chosen over many draws.
double InclusionPValue(const std::vector<int64_t>& sizes, int64_t k, bool weighted) {
  int64_t total = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  std::vector<double> counts(total, 0);
  const int trials = 4000;
  int64_t drawn = 0;
  for (int t = 0; t < trials; ++t)
    for (int64_t id : SampleSplits(sizes, k, 1000 + t, weighted)) counts[id] += 1, ++drawn;
  std::vector<double> expected(total, static_cast<double>(drawn) / total);
  return ChiSquarePValue(ChiSquare(counts, expected), static_cast<int>(total - 1));
}

TEST(Sample, MergedReservoirsAreUniformAndAnUnweightedMergeIsNot) {
  std::vector<int64_t> sizes = {3, 7, 20};  // unequal splits
  EXPECT_GT(InclusionPValue(sizes, 6, true), 0.01);
  EXPECT_LT(InclusionPValue(sizes, 6, false), 1e-6);  // the test can tell
}

TEST(Sample, ReservoirKeepsSmallestKeysInOrderWithBoundedMemory) {
  std::mt19937_64 rng(5);
  RowReservoir r(50);
  std::vector<std::pair<uint64_t, int64_t>> all;
  for (int64_t b = 0; b < 40; ++b) {
    std::vector<uint64_t> keys(5000);
    for (int64_t i = 0; i < 5000; ++i) {
      keys[i] = rng();
      all.push_back({keys[i], b * 5000 + i});
    }
    r.Offer(IdBatch(b * 5000, 5000), keys, static_cast<uint64_t>(b * 5000));
  }
  std::sort(all.begin(), all.end());
  std::vector<int64_t> want;
  for (int i = 0; i < 50; ++i) want.push_back(all[i].second);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Ids(r.Rows()), want);
  EXPECT_EQ(r.size(), 50);
}

TEST(Sample, MergeOrderDoesNotMatter) {
  auto make = [](int s) {
    RowReservoir r(10);
    uint64_t state = choose::StreamState(9, s);
    std::vector<uint64_t> keys(100);
    for (auto& k : keys) k = SplitMix64(&state);
    r.Offer(IdBatch(s * 100, 100), keys, static_cast<uint64_t>(s) << 40);
    return r;
  };
  RowReservoir a(10), b(10);
  for (int s : {0, 1, 2}) a.Merge(make(s));
  for (int s : {2, 0, 1}) b.Merge(make(s));
  EXPECT_EQ(Ids(a.Rows()), Ids(b.Rows()));
}

TEST(Sample, TakeAndConcatKeepCategoriesAndStrings) {
  Batch a, b;
  a.Add("c", testing::Cat({"x", "y", "x"}));
  a.Add("s", Str({"one", "<null>", "three"}));
  a.num_rows = 3;
  b.Add("c", testing::Cat({"z", "x"}));
  b.Add("s", Str({"four", "five"}));
  b.num_rows = 2;
  Batch all = choose::ConcatBatches({a, b});
  Batch some = TakeRows(all, {4, 1, 3});
  EXPECT_EQ(some.Get("c")->Category(0), "x");
  EXPECT_EQ(some.Get("c")->Category(2), "z");
  EXPECT_TRUE(some.Get("s")->IsNull(1));
  EXPECT_EQ(some.Get("s")->Str(2), "four");
}

// ---------------------------------------------------------------------------------------------
// Search spaces

PipelineSpec TinySpec() {
  return ParseSpec(R"(target = "y > 0"
[[steps]]
kind = "select"
columns = ["a", "b"]
[[steps]]
kind = "standard_scaler"
columns = ["a", "b"]
[model]
kind = "logistic_regression"
)",
                   "tiny.toml");
}

TEST(Search, ParsesSpacesAndTypesValues) {
  ParamSpace s = ParseParamSpace("model.C=0.01, 1,10");
  EXPECT_EQ(s.key, "model.C");
  ASSERT_EQ(s.values.size(), 3u);
  EXPECT_TRUE(s.values[0].is_number_float());
  EXPECT_TRUE(s.values[1].is_number_integer());
  EXPECT_EQ(ParseParamSpace("steps.1.with_mean=true,false").values[1], false);
  EXPECT_EQ(ParseParamSpace("steps.0.strategy=mean,median").values[1], "median");
  ParamSpace d = ParseParamSpace("model.C=loguniform(0.001,100)");
  EXPECT_EQ(d.distribution, "loguniform");
  EXPECT_EQ(d.high, 100);
  ExpectError([] { ParseParamSpace("model.C"); }, ErrorCode::kUsage, "model.C=0.01,0.1,1");
  ExpectError([] { ParseParamSpace("model.C=1,,2"); }, ErrorCode::kUsage, "empty value");
  ExpectError([] { ParseParamSpace("model.C=normal(0,1)"); }, ErrorCode::kUsage,
              "unknown distribution 'normal'");
}

TEST(Search, SetsParametersAndNamesBadKeys) {
  PipelineSpec spec = TinySpec();
  PipelineSpec s = WithParams(spec, {{"model.C", 0.5}, {"steps.1.ddof", 1}});
  EXPECT_EQ(s.model["params"]["C"], 0.5);
  EXPECT_EQ(s.steps[1]["params"]["ddof"], 1);
  ExpectError(
      [&] {
        WithParams(spec, {{"steps.7.ddof", 1}});
      },
      ErrorCode::kUsage, "no step 7 (steps, numbered from 0: 0 select, 1 standard_scaler)");
  ExpectError([&] { WithParams(spec, {{"modle.C", 1}}); }, ErrorCode::kUsage, "model.PARAM");
  ExpectError([&] { WithParams(spec, {{"model.Cx", 1}}); }, ErrorCode::kUsage, "Cx");
  ExpectError([&] { WithParams(spec, {{"model.C", "big"}}); }, ErrorCode::kUsage, "C");
}

TEST(Search, GridAndRandomCandidates) {
  std::vector<ParamSpace> spaces = {ParseParamSpace("model.C=1,2,3"),
                                    ParseParamSpace("steps.1.ddof=0,1")};
  std::vector<Json> grid = GridCandidates(spaces);
  ASSERT_EQ(grid.size(), 6u);
  EXPECT_EQ(grid[1], (Json{{"model.C", 1}, {"steps.1.ddof", 1}}));  // the last varies fastest
  std::vector<Json> picks = RandomCandidates(spaces, 4, 1);
  EXPECT_EQ(picks, RandomCandidates(spaces, 4, 1));
  EXPECT_EQ(std::set<Json>(picks.begin(), picks.end()).size(), 4u);
  EXPECT_EQ(RandomCandidates(spaces, 10, 1).size(), 6u);
  std::vector<Json> draws =
      RandomCandidates({ParseParamSpace("model.C=loguniform(0.01,100)")}, 50, 2);
  for (const Json& c : draws) {
    EXPECT_GE(c["model.C"].get<double>(), 0.01);
    EXPECT_LE(c["model.C"].get<double>(), 100);
  }
  ExpectError([] { GridCandidates({ParseParamSpace("model.C=uniform(0,1)")}); }, ErrorCode::kUsage,
              "needs --random");
}

// ---------------------------------------------------------------------------------------------
// SVG plot

TEST(Svg, TicksAndStructure) {
  EXPECT_EQ(choose::LogTicks(80, 2e4), (std::vector<double>{100, 1000, 10000}));
  EXPECT_EQ(choose::LogTicks(150, 900), (std::vector<double>{200, 500}));
  EXPECT_EQ(choose::LinearTicks(0.92, 0.951, 4), (std::vector<double>{0.92, 0.93, 0.94, 0.95}));
  EXPECT_EQ(choose::TickLabel(10000), "10k");
  EXPECT_EQ(choose::TickLabel(2500000), "2.5M");
  LearningCurve curve;
  curve.scoring = "accuracy";
  curve.title = "A <title> & more";
  curve.folds = 2;
  for (int64_t size : {100, 1000}) {
    LearningCurvePoint p;
    p.size = size;
    p.train_scores = {0.9, 0.95};
    p.valid_scores = {0.8, std::nan("")};
    curve.points.push_back(p);
  }
  std::string svg = LearningCurveSvg(curve);
  for (const char* id :
       {"id=\"title\"", "id=\"x-axis\"", "id=\"y-axis\"", "id=\"series-train\"",
        "id=\"series-validation\"", "id=\"band-train\"", "id=\"band-validation\"", "id=\"legend\"",
        "A &lt;title&gt; &amp; more", "training rows (log scale)"})
    EXPECT_NE(svg.find(id), std::string::npos) << id;
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  std::string csv = LearningCurveCsv(curve);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "size,train_mean,train_std,valid_mean,valid_std,fit_seconds,train_fold_0,"
            "train_fold_1,valid_fold_0,valid_fold_1");
}

// ---------------------------------------------------------------------------------------------
// Tune and learning curve on a small CSV.

class TuneData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/choose_test_" + std::to_string(getpid());
    mkdir(dir_.c_str(), 0755);
    std::ofstream out(dir_ + "/data.csv");
    out << "a,b,kind,y\n";
    std::mt19937_64 rng(11);
    std::normal_distribution<double> noise(0, 1);
    for (int i = 0; i < 3000; ++i) {
      double a = noise(rng), b = 10 + 5 * noise(rng);
      double z = 1.2 * a - 0.3 * (b - 10) + noise(rng);
      out << a << "," << b << "," << (i % 3 ? "p" : "q") << "," << (z > 0 ? 1 : -1) << "\n";
    }
  }
  void TearDown() override {
    unlink((dir_ + "/data.csv").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(TuneData, StepsFittedOncePerFoldAndThreadCountChangesNothing) {
  TuneOptions o;
  o.spaces = {ParseParamSpace("model.C=0.001,0.1,10")};
  o.cv.folds = 4;
  o.cv.scoring = "log_loss";
  o.refit = false;
  o.fit.threads = 1;
  TuneReport one = Tune(TinySpec(), {dir_ + "/data.csv"}, o);
  EXPECT_EQ(one.preprocessing_fits, 4);
  ASSERT_EQ(one.candidates.size(), 3u);
  EXPECT_LE(one.candidates[0].mean, one.candidates[1].mean);  // log loss: lower is better
  EXPECT_EQ(one.candidates[0].rank, 1);
  o.fit.threads = 2;
  TuneReport two = Tune(TinySpec(), {dir_ + "/data.csv"}, o);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(one.candidates[i].params, two.candidates[i].params);
    EXPECT_EQ(one.candidates[i].fold_scores, two.candidates[i].fold_scores);
  }
  o.spaces.push_back(ParseParamSpace("steps.1.ddof=0,1"));
  o.refit = true;
  TuneReport steps = Tune(TinySpec(), {dir_ + "/data.csv"}, o);
  EXPECT_EQ(steps.preprocessing_fits, 8);
  EXPECT_EQ(steps.candidates.size(), 6u);
  const Json& best = steps.candidates[0].params;
  EXPECT_EQ(steps.best.pipeline.estimator->params()["C"], best["model.C"]);
  EXPECT_EQ(steps.best.training["rows_train"], 3000);
  EXPECT_EQ(steps.best.metrics["cv"]["mean"], steps.candidates[0].mean);
  std::string table = TuneTableCsv(steps);
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "rank,model.C,steps.1.ddof,mean_log_loss,std_log_loss,fit_seconds,score_seconds,"
            "fold_0,fold_1,fold_2,fold_3");
}

TEST_F(TuneData, LearningCurveSizesAndErrors) {
  LearningCurveOptions o;
  o.cv.folds = 3;
  LearningCurve curve = ComputeLearningCurve(TinySpec(), {dir_ + "/data.csv"}, o);
  std::vector<int64_t> sizes;
  for (const auto& p : curve.points) sizes.push_back(p.size);
  EXPECT_EQ(sizes, (std::vector<int64_t>{100, 300, 1000, 2000}));
  for (const auto& p : curve.points) {
    EXPECT_GT(p.valid_mean(), 0.6);
    EXPECT_EQ(p.valid_scores.size(), 3u);
  }
  o.sizes = {10, 5000};
  ExpectError([&] { ComputeLearningCurve(TinySpec(), {dir_ + "/data.csv"}, o); }, ErrorCode::kUsage,
              "5000 rows is outside [2, 2,000]");
}

}  // namespace
}  // namespace outcore
