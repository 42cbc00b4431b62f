#pragma once
/// What the Python module needs beyond the core API: fitting and scoring rows that are already
/// in memory (pandas, NumPy), read options as JSON, and the _SUCCESS manifest of a predict run
/// whose splits ran in other processes (Dask workers).
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/fit.h"
#include "outcore/model.h"
#include "outcore/predict.h"

namespace outcore {

/// Read options as the model file writes them (`read_options`), and back (validated).
Json ReadOptionsToJson(const ReadOptions& options);
ReadOptions ReadOptionsFromJson(const Json& json);

/// Fits a model on rows in memory, as `outcore fit --test-size 0` does once it has read its
/// inputs: each step on the rows as transformed by the steps before it, then the estimator.
/// `batches` hold the input columns and the target column `target.column`; rows whose target
/// is missing are left out (and counted). When `target.classes` is already set (two values)
/// it fixes the classes, else they are learned as the CLI learns them. The model's input
/// schema is the columns the spec reads (the first `select` step's, else every column but
/// the target), with the batches' types. `threads` = 0: all cores.
Model FitModelInMemory(const PipelineSpec& spec, std::vector<Batch> batches, const Target& target,
                       int threads, FitReport* report);

/// Fits `steps` in order on `batches` (each step on the rows as transformed by the steps
/// before it) and returns the transformed batches.
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
