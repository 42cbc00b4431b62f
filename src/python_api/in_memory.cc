// Steps and models over rows already in memory (the Python module's DataFrames): fitting steps
// alone (with FitStepsInOrder, as a fit does), and RunSplit's scoring without the reader and
// the writer. Fitting a model is FitModelOnBatches (src/pipeline/fit.cc), the CLI's fit core.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "core/batch_ops.h"
#include "core/parallel.h"
#include "outcore/error.h"
#include "outcore/python_api.h"

namespace outcore {
namespace {

template <typename Fn>
void ParallelFor(tbb::task_arena& arena, size_t n, Fn fn) {
  arena.execute([&] { tbb::parallel_for(size_t{0}, n, [&](size_t i) { fn(i); }); });
}

// "row at position N (0-based) of the data: ", for a step's on_unknown = "error".
std::string AtPosition(int64_t row) {
  return "the row at position " + std::to_string(row) + " (0-based) of the data: ";
}

}  // namespace

std::vector<Batch> FitStepsOnBatches(const std::vector<std::unique_ptr<Step>>& steps,
                                     std::vector<Batch> batches, int threads,
                                     TransformStats* drift) {
  tbb::task_arena arena(ResolveThreads(threads));
  arena.execute([&] { FitStepsInOrder(steps, nullptr, &batches, drift, 0); });
  return batches;
}

std::vector<Batch> TransformBatches(const std::vector<std::unique_ptr<Step>>& steps,
                                    const std::vector<Batch>& batches, int threads,
                                    TransformStats* drift) {
  tbb::task_arena arena(ResolveThreads(threads));
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
  tbb::task_arena arena(ResolveThreads(threads));
  std::vector<int64_t> offset(batches.size() + 1, 0);
  for (size_t b = 0; b < batches.size(); ++b) offset[b + 1] = offset[b] + batches[b].num_rows;
  const int64_t outputs = model.pipeline.estimator->n_outputs();
  std::vector<double> out(offset.back() * outputs);
  std::vector<TransformStats> per(batches.size());
  ParallelFor(arena, batches.size(), [&](size_t b) {
    const Pipeline& p = model.pipeline;
    Features x;
    try {
      x = p.ToFeatures(p.Transform(ProjectColumns(batches[b], model.input_schema), &per[b]));
    } catch (const UnknownValueError& e) {
      Fail(e.code(), AtPosition(offset[b] + e.row) + e.what());
    }
    p.estimator->Predict(x, out.data() + offset[b] * outputs);
  });
  for (const auto& s : per) drift->Merge(s);
  return out;
}

}  // namespace outcore
