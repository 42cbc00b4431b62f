// learning-curve: fit the whole pipeline on growing prefixes of each fold's training rows,
// every (size, fold) in parallel; the table as CSV and the picture as SVG.
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "choose/fold_fit.h"
#include "choose/svg_plot.h"
#include "choose/table_text.h"
#include "core/parallel.h"
#include "outcore/error.h"
#include "outcore/tune.h"

namespace outcore {
namespace {

using choose::CsvNumber;
using choose::Thousands;

// 100, 300, 1000, 3000, ... below `largest`, then `largest`.
std::vector<int64_t> DefaultSizes(int64_t largest) {
  std::vector<int64_t> sizes;
  for (int64_t decade = 100; decade < largest; decade *= 10)
    for (int64_t m : {1, 3})
      if (decade * m < largest) sizes.push_back(decade * m);
  sizes.push_back(largest);
  return sizes;
}

}  // namespace

double LearningCurvePoint::train_mean() const { return choose::Mean(train_scores); }
double LearningCurvePoint::train_std() const { return choose::StdDev(train_scores); }
double LearningCurvePoint::valid_mean() const { return choose::Mean(valid_scores); }
double LearningCurvePoint::valid_std() const { return choose::StdDev(valid_scores); }

LearningCurve LearningCurveOnData(const PipelineSpec& spec, const TrainingData& data,
                                  const LearningCurveOptions& options) {
  const int64_t start = choose::NowNs();
  LearningCurve curve;
  curve.scoring = ResolveScoring(options.cv.scoring, data.classifier);
  const int64_t classes = static_cast<int64_t>(data.model.target.classes.size());
  curve.estimator = spec.model["kind"].get<std::string>();
  curve.rows = data.rows();
  const Folds folds = MakeFolds(data.rows(), options.cv);
  const int k = folds.count();
  curve.folds = k;
  int64_t largest = folds.train_rows(0);
  for (int f = 1; f < k; ++f) largest = std::min(largest, folds.train_rows(f));
  std::vector<int64_t> sizes = options.sizes.empty() ? DefaultSizes(largest) : options.sizes;
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  for (int64_t s : sizes)
    if (s < 2 || s > largest)
      Fail(ErrorCode::kUsage, "--sizes: " + std::to_string(s) + " rows is outside [2, " +
                                  Thousands(largest) + "]: with " + std::to_string(k) +
                                  " folds of " + Thousands(data.rows()) +
                                  " rows, a fold trains on at most " + Thousands(largest) +
                                  " rows (lower a size, or give more data or fewer folds)");
  curve.title = "Learning curve: " + curve.estimator + ", " + std::to_string(k) + "-fold CV on " +
                Thousands(data.rows()) + " rows";

  const size_t n = sizes.size();
  std::vector<std::vector<double>> train(n, std::vector<double>(k)), valid = train, secs = train;
  const int threads = ResolveThreads(options.fit.threads);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena arena(threads);
  const int64_t fold_limit = choose::FoldMemoryLimit(options.fit.memory_limit, threads, n * k);
  arena.execute([&] {
    // Largest sizes first: they take longest, so the small ones fill the gaps at the end.
    tbb::parallel_for(size_t{0}, n * k, [&](size_t task) {
      const size_t i = n - 1 - task / k;
      const int f = static_cast<int>(task % k);
      try {
        choose::PreparedFold fold = choose::PrepareFold(spec, data, folds.TrainMask(f, sizes[i]),
                                                        folds.ValidMask(f), fold_limit);
        std::unique_ptr<Estimator> estimator =
            MakeEstimator(spec.model["kind"], spec.model["params"]);
        if (data.classifier) estimator->SetClasses(data.model.target.classes);
        const int64_t t = choose::NowNs();
        tbb::this_task_arena::isolate([&] { estimator->Fit(fold.train, fold.y_train); });
        secs[i][f] = fold.seconds + choose::SecondsSince(t);
        const int64_t outputs = estimator->n_outputs();
        std::vector<double> p(fold.train.rows * outputs), q(fold.valid.rows * outputs);
        estimator->Predict(fold.train, p.data());
        estimator->Predict(fold.valid, q.data());
        train[i][f] = Score(curve.scoring, fold.y_train, p, classes);
        valid[i][f] = Score(curve.scoring, fold.y_valid, q, classes);
      } catch (const Error& e) {
        Fail(e.code(), "fitting on the first " + Thousands(sizes[i]) + " training rows of fold " +
                           std::to_string(f) + ": " + e.what());
      }
    });
  });
  for (size_t i = 0; i < n; ++i) {
    LearningCurvePoint point;
    point.size = sizes[i];
    point.train_scores = train[i];
    point.valid_scores = valid[i];
    point.fit_seconds = choose::Mean(secs[i]);
    curve.points.push_back(std::move(point));
  }
  curve.seconds = choose::SecondsSince(start);
  return curve;
}

LearningCurve ComputeLearningCurve(const PipelineSpec& spec, const std::vector<std::string>& inputs,
                                   const LearningCurveOptions& options) {
  const int64_t start = choose::NowNs();
  FitReport read;
  TrainingData data = ReadTrainingData(spec, inputs, options.fit, &read);
  LearningCurve curve = LearningCurveOnData(spec, data, options);
  curve.seconds = choose::SecondsSince(start);
  return curve;
}

std::string LearningCurveCsv(const LearningCurve& curve) {
  std::string out = "size,train_mean,train_std,valid_mean,valid_std,fit_seconds";
  for (int f = 0; f < curve.folds; ++f) out += ",train_fold_" + std::to_string(f);
  for (int f = 0; f < curve.folds; ++f) out += ",valid_fold_" + std::to_string(f);
  out += "\n";
  for (const auto& p : curve.points) {
    out += std::to_string(p.size) + "," + CsvNumber(p.train_mean()) + "," +
           CsvNumber(p.train_std()) + "," + CsvNumber(p.valid_mean()) + "," +
           CsvNumber(p.valid_std()) + "," + CsvNumber(p.fit_seconds);
    for (double s : p.train_scores) out += "," + CsvNumber(s);
    for (double s : p.valid_scores) out += "," + CsvNumber(s);
    out += "\n";
  }
  return out;
}

std::string LearningCurveSvg(const LearningCurve& curve) {
  choose::LinePlot plot;
  plot.title = curve.title;
  plot.x_label = "training rows (log scale)";
  plot.y_label = curve.scoring +
                 (HigherIsBetter(curve.scoring) ? " (higher is better)" : " (lower is better)");
  plot.log_x = true;
  choose::PlotSeries train{"train", "training score (± 1 std)", "#1f77b4", {}, {}, {}, {}};
  choose::PlotSeries valid{
      "validation", "cross-validation score (± 1 std)", "#d62728", {}, {}, {}, {}};
  for (const auto& p : curve.points) {
    for (auto* s : {&train, &valid}) {
      const bool is_train = s == &train;
      double mean = is_train ? p.train_mean() : p.valid_mean();
      double sd = is_train ? p.train_std() : p.valid_std();
      s->x.push_back(static_cast<double>(p.size));
      s->y.push_back(mean);
      s->low.push_back(mean - sd);
      s->high.push_back(mean + sd);
    }
  }
  plot.series = {train, valid};
  return choose::RenderSvg(plot);
}

}  // namespace outcore
