// Fit and predict on rows already in memory (the Python module's DataFrames): the training
// part of FitModel (src/pipeline/fit.cc) without the reading and the hold-out, and RunSplit's
// scoring without the reader and the writer.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "core/batch_ops.h"
#include "outcore/error.h"
#include "outcore/metrics.h"
#include "outcore/python_api.h"

namespace outcore {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int ThreadCount(int threads) {
  return threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

template <typename Fn>
void ParallelFor(tbb::task_arena& arena, size_t n, Fn fn) {
  arena.execute([&] { tbb::parallel_for(size_t{0}, n, [&](size_t i) { fn(i); }); });
}

std::string Columns(const Schema& s) {
  std::string out;
  for (const auto& f : s.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// The batch's columns named by `schema`, in its order (what RunSplit gives the steps).
Batch Project(const Batch& batch, const Schema& schema) {
  Batch out;
  out.num_rows = batch.num_rows;
  for (const auto& f : schema.fields()) out.Add(f.name, batch.Get(f.name));
  return out;
}

// "row at position N (0-based) of the data: ", for a step's on_unknown = "error".
std::string AtPosition(int64_t row) {
  return "the row at position " + std::to_string(row) + " (0-based) of the data: ";
}

// Fits steps in order; each step learns from the batches as transformed by the steps before.
// As the CLI's fit: values outside a step's categories are counted, never refused, and the
// features must fit in DefaultMemoryLimit() (with what `estimator`, if any, needs).
void FitStepsInPlace(tbb::task_arena& arena, const std::vector<std::unique_ptr<Step>>& steps,
                     const Estimator* estimator, std::vector<Batch>* batches, TransformStats* drift) {
  const int64_t limit = DefaultMemoryLimit();
  for (size_t s = 0; s < steps.size(); ++s) {
    const auto& step = steps[s];
    step->Reset();
    for (const auto& b : *batches) step->PartialFit(b);
    step->FinishFit();
    CheckFeatureMemory(*step, s, *batches, estimator, limit);
    std::vector<TransformStats> per(batches->size());
    for (auto& p : per) p.lenient = true;
    ParallelFor(arena, batches->size(),
                [&](size_t i) { (*batches)[i] = step->Transform((*batches)[i], &per[i]); });
    for (const auto& s : per) drift->Merge(s);
  }
}

// All rows of transformed batches as one column-major feature matrix.
Features StackFeatures(tbb::task_arena& arena, const Pipeline& p,
                       const std::vector<Batch>& batches) {
  Features x;
  x.names = p.feature_names;
  std::vector<int64_t> offset(batches.size() + 1, 0);
  for (size_t b = 0; b < batches.size(); ++b) offset[b + 1] = offset[b] + batches[b].num_rows;
  x.rows = offset.back();
  x.values.resize(static_cast<size_t>(x.rows) * x.names.size());
  ParallelFor(arena, batches.size(), [&](size_t b) {
    Features part = p.ToFeatures(batches[b]);
    for (size_t j = 0; j < x.names.size(); ++j)
      std::copy(part.col(j), part.col(j) + part.rows, x.col(j) + offset[b]);
  });
  return x;
}

}  // namespace

Model FitModelInMemory(const PipelineSpec& spec, std::vector<Batch> batches, const Target& target,
                       int threads, FitReport* report) {
  auto t_start = std::chrono::steady_clock::now();
  tbb::task_arena arena(ThreadCount(threads));
  if (batches.empty()) Fail(ErrorCode::kInvalidInput, "no rows to fit on");
  const Schema schema = batches[0].schema;
  Model model;
  model.read = spec.read;
  model.target = target;
  int target_index = schema.IndexOf(target.column);
  if (target_index < 0)
    Fail(ErrorCode::kSchema, "target column '" + target.column +
                                 "' is not in the data (columns: " + Columns(schema) + ")");
  model.target_field = schema.field(target_index);
  std::vector<std::string> wanted = spec.InputColumns();
  if (wanted.empty())
    for (const auto& f : schema.fields())
      if (f.name != target.column) wanted.push_back(f.name);
  for (const auto& name : wanted) {
    int i = schema.IndexOf(name);
    if (i < 0)
      Fail(ErrorCode::kSchema, "column '" + name +
                                   "' is required by the pipeline but not in the data (columns: " +
                                   Columns(schema) + ")");
    if (name != target.column) model.input_schema.Add(schema.field(i));
  }
  for (const auto& b : batches) {
    if (!(b.schema == schema)) Fail(ErrorCode::kInternal, "batches to fit differ in their columns");
    report->rows_read += b.num_rows;
  }

  model.pipeline = spec.Build();
  Pipeline& pipeline = model.pipeline;
  bool classifier = pipeline.estimator->is_classifier();
  if (classifier && model.target.classes.size() != 2) {
    model.target.classes.clear();
    std::vector<const Column*> targets;
    for (const auto& b : batches) targets.push_back(b.Get(target.column).get());
    model.target.LearnClasses(targets);
  }

  // Labels; rows without a target are left out, the rest keep their order.
  std::vector<Batch> train;
  std::vector<double> y;
  for (auto& batch : batches) {
    std::vector<double> labels = model.target.Labels(*batch.Get(target.column), classifier);
    std::vector<uint8_t> keep(batch.num_rows, 1);
    bool all = true;
    for (int64_t i = 0; i < batch.num_rows; ++i) {
      if (std::isnan(labels[i])) {
        keep[i] = 0;
        all = false;
      } else {
        y.push_back(labels[i]);
      }
    }
    Batch input = Project(batch, model.input_schema);
    batch = Batch();
    if (!all) input = FilterRows(input, keep);
    if (input.num_rows > 0) train.push_back(std::move(input));
  }
  batches.clear();
  report->rows_missing_target = report->rows_read - static_cast<int64_t>(y.size());
  report->rows_train = static_cast<int64_t>(y.size());
  if (train.empty())
    Fail(ErrorCode::kInvalidInput, "no rows to train on (" + std::to_string(report->rows_read) +
                                       " given, " + std::to_string(report->rows_missing_target) +
                                       " without a target)");
  report->seconds_read = Seconds(t_start);

  auto t_fit = std::chrono::steady_clock::now();
  FitStepsInPlace(arena, pipeline.steps, pipeline.estimator.get(), &train, &report->drift);
  for (const auto& f : train.front().schema.fields()) pipeline.feature_names.push_back(f.name);
  Features x = StackFeatures(arena, pipeline, train);
  train.clear();
  pipeline.estimator->Fit(x, y);
  report->fit_info = pipeline.estimator->FitInfo();
  report->seconds_fit = Seconds(t_fit);

  auto t_score = std::chrono::steady_clock::now();
  std::vector<double> p(x.rows);
  pipeline.estimator->Predict(x, p.data());
  Metrics train_metrics(classifier);
  train_metrics.Add(y.data(), p.data(), x.rows);
  report->train_metrics = train_metrics.ToJson();
  report->seconds_score = Seconds(t_score);

  model.training = {{"sources", Json::array()},
                    {"fingerprint", ""},
                    {"origin", "python: rows in memory"},
                    {"rows_read", report->rows_read},
                    {"rows_rejected", 0},
                    {"rows_missing_target", report->rows_missing_target},
                    {"rows_train", report->rows_train},
                    {"rows_test", 0},
                    {"test_size", 0.0},
                    {"seed", 0},
                    {"drift", report->drift.counters},
                    {"spec", spec.path}};
  model.metrics = {{"train", report->train_metrics}};
  report->seconds_total = Seconds(t_start);
  return model;
}

std::vector<Batch> FitStepsOnBatches(const std::vector<std::unique_ptr<Step>>& steps,
                                     std::vector<Batch> batches, int threads,
                                     TransformStats* drift) {
  tbb::task_arena arena(ThreadCount(threads));
  FitStepsInPlace(arena, steps, nullptr, &batches, drift);
  return batches;
}

std::vector<Batch> TransformBatches(const std::vector<std::unique_ptr<Step>>& steps,
                                    const std::vector<Batch>& batches, int threads,
                                    TransformStats* drift) {
  tbb::task_arena arena(ThreadCount(threads));
  std::vector<Batch> out(batches.size());
  std::vector<TransformStats> per(batches.size());
  std::vector<int64_t> offset(batches.size() + 1, 0);
  for (size_t b = 0; b < batches.size(); ++b) offset[b + 1] = offset[b] + batches[b].num_rows;
  ParallelFor(arena, batches.size(), [&](size_t i) {
    Batch current = batches[i];
    try {
      for (const auto& step : steps) current = step->Transform(current, &per[i]);
    } catch (const UnknownValueError& e) {
      Fail(e.code(), AtPosition(offset[i] + e.row) + e.what());
    }
    out[i] = std::move(current);
  });
  for (const auto& s : per) drift->Merge(s);
  return out;
}

std::vector<double> PredictBatches(const Model& model, const std::vector<Batch>& batches,
                                   int threads, TransformStats* drift) {
  tbb::task_arena arena(ThreadCount(threads));
  std::vector<int64_t> offset(batches.size() + 1, 0);
  for (size_t b = 0; b < batches.size(); ++b) offset[b + 1] = offset[b] + batches[b].num_rows;
  std::vector<double> out(offset.back());
  std::vector<TransformStats> per(batches.size());
  ParallelFor(arena, batches.size(), [&](size_t b) {
    const Pipeline& p = model.pipeline;
    Features x;
    try {
      x = p.ToFeatures(p.Transform(Project(batches[b], model.input_schema), &per[b]));
    } catch (const UnknownValueError& e) {
      Fail(e.code(), AtPosition(offset[b] + e.row) + e.what());
    }
    p.estimator->Predict(x, out.data() + offset[b]);
  });
  for (const auto& s : per) drift->Merge(s);
  return out;
}

}  // namespace outcore
