// outcore evaluate: predict labelled inputs split by split on all threads and accumulate
// streaming metrics (one accumulator per thread, merged at the end).
#include "outcore/evaluate.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/parallel.h"
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/predict.h"

namespace outcore {

void EvaluateCounts::Merge(const EvaluateCounts& o) {
  rows_in += o.rows_in;
  rows_rejected += o.rows_rejected;
  rows_missing_target += o.rows_missing_target;
  rows_missing_features += o.rows_missing_features;
  rejects.insert(rejects.end(), o.rejects.begin(), o.rejects.end());
}

Json EvaluateReport::ToJson(const Model& model) const {
  Json j = metrics;
  j["files"] = files;
  j["splits"] = splits;
  j["rows_in"] = counts.rows_in;
  j["rows_rejected"] = counts.rows_rejected;
  j["rows_missing_target"] = counts.rows_missing_target;
  j["rows_missing_features"] = counts.rows_missing_features;
  j["target"] = model.target.expression;
  if (!model.target.classes.empty()) j["classes"] = model.target.classes;
  j["seconds"] = seconds;
  return j;
}

void EvaluateSplit(const Model& model, const Split& split, const EvaluateOptions& options,
                   DetailedMetrics* metrics, EvaluateCounts* counts) {
  const bool classifier = model.pipeline.estimator->is_classifier();
  ScanOptions scan;
  scan.columns = model.input_schema;
  scan.columns.Add(model.target_field);
  scan.on_bad_rows = options.on_bad_rows;
  std::unique_ptr<SplitReader> reader = MakeSource(split.format, model.read)->Open(split, scan);
  Target target = model.target;
  TransformStats drift;
  Batch batch;
  while (reader->Next(&batch)) {
    std::vector<double> y = target.Labels(*batch.Get(model.target_field.name), classifier);
    batch.Remove(model.target_field.name);
    std::vector<double> p;
    try {
      p = model.pipeline.Predict(batch, &drift);
    } catch (const UnknownValueError& e) {
      Fail(e.code(), split.RowPlace(reader->stats().rows_read - batch.num_rows + e.row) + ": " + e.what());
    }
    const size_t outputs = static_cast<size_t>(model.pipeline.estimator->n_outputs());
    for (size_t i = 0; i < y.size(); ++i) {
      if (std::isnan(y[i]))
        ++counts->rows_missing_target;
      else if (std::isnan(p[i * outputs]))
        ++counts->rows_missing_features;
    }
    metrics->Add(y.data(), p.data(), static_cast<int64_t>(y.size()));
  }
  const ReadStats& stats = reader->stats();
  counts->rows_in += stats.rows_read + stats.rows_rejected;
  counts->rows_rejected += stats.rows_rejected;
  counts->rejects.insert(counts->rejects.end(), stats.rejects.begin(), stats.rejects.end());
}

EvaluateReport Evaluate(const Model& model, const std::vector<std::string>& raw_inputs,
                        const EvaluateOptions& options) {
  auto t_start = std::chrono::steady_clock::now();
  if (options.auc_bins < 1 || options.auc_bins > (1 << 26))
    Fail(ErrorCode::kUsage,
         "--auc-bins must be in [1, 67108864], got " + std::to_string(options.auc_bins));
  std::vector<std::string> inputs = ExpandInputs(raw_inputs);
  const std::string& target = model.target_field.name;
  for (const auto& input : inputs) {
    Schema found = MakeSource(InputFormat(input), model.read)->InspectSchema(input);
    if (found.IndexOf(target) < 0)
      Fail(ErrorCode::kSchema, input + ": the model's target column '" + target +
                                   "' is not in the input (columns: " + found.Names() +
                                   "); evaluate needs labelled data (use predict to score "
                                   "unlabelled data)");
  }
  Schema no_keep;
  std::vector<Split> splits = PlanSplits(model, inputs, options.split_size, &no_keep);

  int threads = ResolveThreads(options.threads);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  const bool classifier = model.pipeline.estimator->is_classifier();
  const int64_t classes = static_cast<int64_t>(model.target.classes.size());
  struct Accumulator {
    DetailedMetrics metrics;
    EvaluateCounts counts;
  };
  tbb::enumerable_thread_specific<Accumulator> per_thread([&] {
    return Accumulator{DetailedMetrics(classifier, options.auc_bins, classes), {}};
  });
  ParallelForFirstError(splits.size(), threads, FirstError::kFirstThrown, [&](size_t i) {
    Accumulator& acc = per_thread.local();
    EvaluateSplit(model, splits[i], options, &acc.metrics, &acc.counts);
  });

  EvaluateReport report;
  DetailedMetrics total(classifier, options.auc_bins, classes);
  for (const Accumulator& acc : per_thread) {
    total.Merge(acc.metrics);
    report.counts.Merge(acc.counts);
  }
  if (options.on_bad_rows == BadRowPolicy::kReject && !options.reject_path.empty()) {
    auto input_index = [&](const std::string& path) {
      return std::find(inputs.begin(), inputs.end(), path) - inputs.begin();
    };
    std::sort(report.counts.rejects.begin(), report.counts.rejects.end(),
              [&](const RejectedRow& a, const RejectedRow& b) {
                return a.path != b.path ? input_index(a.path) < input_index(b.path)
                                        : a.line < b.line;
              });
    WriteRejects(options.reject_path, report.counts.rejects, false);
  }
  report.metrics = total.ToJson();
  report.files = static_cast<int64_t>(inputs.size());
  report.splits = static_cast<int64_t>(splits.size());
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return report;
}

}  // namespace outcore
