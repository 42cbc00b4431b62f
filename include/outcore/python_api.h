#pragma once
/// What the Python module needs beyond the core API: fitting steps and scoring rows that are
/// already in memory (pandas, NumPy), read options as JSON, and the _SUCCESS manifest of a
/// predict run whose splits ran in other processes (Dask workers). Fitting a model on rows in
/// memory is FitModelOnBatches (outcore/fit.h), the CLI's fit core.
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/fit.h"
#include "outcore/model.h"
#include "outcore/predict.h"

namespace outcore {

/// Read options as JSON with every key (the Python package's read_options); read back with
/// ParseReadOptions (outcore/model.h), the parser of a spec's [read] table.
Json ReadOptionsToJson(const ReadOptions& options);

/// Fits `steps` in order on `batches` (each step on the rows as transformed by the steps
/// before it, as FitStepsInOrder) on `threads` threads, and returns the transformed batches.
std::vector<Batch> FitStepsOnBatches(const std::vector<std::unique_ptr<Step>>& steps,
                                     std::vector<Batch> batches, int threads,
                                     TransformStats* drift);

/// Runs fitted `steps` over every batch, in parallel; the result keeps the batches' order.
std::vector<Batch> TransformBatches(const std::vector<std::unique_ptr<Step>>& steps,
                                    const std::vector<Batch>& batches, int threads,
                                    TransformStats* drift);

/// The model's output (P(positive) or the value; NaN where a feature is missing) for every
/// row of `batches`, in order. Each batch must hold the model's input columns.
std::vector<double> PredictBatches(const Model& model, const std::vector<Batch>& batches,
                                   int threads, TransformStats* drift);


}  // namespace outcore
