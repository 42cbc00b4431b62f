#pragma once
/// Fitting a pipeline spec on inputs that fit in memory, and the pieces of a fit that model
/// selection (cross-validation, tuning, learning curves) reuses.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "outcore/io.h"
#include "outcore/model.h"

namespace outcore {

struct FitOptions {
  double test_size = 0.25;  // fraction of rows held out for the test scores; 0 = none
  uint64_t seed = 0;        // chooses the held-out rows
  int threads = 0;          // 0 = all cores
  BadRowPolicy on_bad_rows = BadRowPolicy::kStop;
  std::string reject_path;  // with kReject
  /// Bytes the features (and the estimator's fit) may take; a fit that would need more
  /// stops before making them. 0 = DefaultMemoryLimit().
  int64_t memory_limit = 0;
};

/// Half of physical memory, or of the address-space limit (ulimit -v) when that is lower.
int64_t DefaultMemoryLimit();

/// What happened during a fit (also recorded in the model's training record and metrics).
struct FitReport {
  int64_t files = 0, bytes = 0;
  int64_t rows_read = 0, rows_rejected = 0, rows_missing_target = 0;
  int64_t rows_train = 0, rows_test = 0;
  Json train_metrics, test_metrics;
  Json fit_info;         // the estimator's (iterations, converged, ...)
  TransformStats drift;  // counters from the steps (e.g. values outside the categories)
  double seconds_read = 0, seconds_fit = 0, seconds_score = 0, seconds_total = 0;
  Json ToJson() const;
};

/// Reads the inputs with the spec's read options, fits steps then estimator on the training
/// rows, scores train and test rows, and returns the fitted model with its training record.
/// The same as FitOnData(spec, ReadTrainingData(spec, inputs, ...), ...), run on
/// `options.threads` threads.
Model FitModel(const PipelineSpec& spec, const std::vector<std::string>& inputs,
               const FitOptions& options, FitReport* report);

/// FitModel for rows already in memory (the Python package's DataFrames): the same as
/// FitOnData(spec, TrainingDataFromBatches(spec, batches, target, ...), ...), run on
/// `options.threads` threads.
Model FitModelOnBatches(const PipelineSpec& spec, std::vector<Batch> batches,
                        const Target& target, const FitOptions& options, FitReport* report);

/// Labelled rows in memory: what a fit has read before it fits anything.
struct TrainingData {
  /// Read options, target (classes learned), target field and input schema filled in; the
  /// pipeline is not built.
  Model model;
  /// The input columns (target removed) of the rows that have a target, in input order, in
  /// batches of up to ~64k rows.
  std::vector<Batch> batches;
  /// One label per row of `batches`, in order: the class index (0/1 when binary) for a
  /// classifier, else the value.
  std::vector<double> labels;
  std::vector<std::string> files;  // the expanded inputs
  /// Where rows that were not read from `files` came from (recorded in the training record
  /// as "origin", with no sources and no fingerprint); "" for rows read from files or tables.
  std::string origin;
  bool classifier = false;

  int64_t rows() const { return static_cast<int64_t>(labels.size()); }
};

/// Reads only the columns the spec's steps need plus the target, on `options.threads`
/// threads; rows without a target are left out (and counted). Fills the report's files,
/// bytes, rows_read, rows_rejected, rows_missing_target and seconds_read.
TrainingData ReadTrainingData(const PipelineSpec& spec, const std::vector<std::string>& inputs,
                              const FitOptions& options, FitReport* report);

/// Labelled rows from `batches` already in memory, as ReadTrainingData makes them from files:
/// the batches (of one schema) hold the input columns and the target column `target.column`;
/// the input columns are the first `select` step's, else every column but the target. When
/// `target.classes` holds two or more values they fix a classifier's classes, else they are learned
/// as ReadTrainingData learns them. Rows without a target are left out (and counted); no
/// rows at all, or none with a target, is kInvalidInput. The origin is
/// "python: rows in memory". Fills the report's rows_read, rows_missing_target and
/// seconds_read.
TrainingData TrainingDataFromBatches(const PipelineSpec& spec, std::vector<Batch> batches,
                                     const Target& target, FitReport* report);

/// Everything FitModel does after reading: holds out test rows, fits, scores, records.
/// `spec` must read the same columns as the spec `data` was read with.
Model FitOnData(const PipelineSpec& spec, TrainingData data, const FitOptions& options,
                FitReport* report);

/// Fits `steps` in order, each on `batches` as transformed by the steps before it, leaving
/// them transformed; values outside a step's categories are counted in `drift`, never
/// refused. Runs parallel loops in the calling thread's task arena. Before each step
/// transforms the rows, CheckFeatureMemory with `estimator` (may be null) and `memory_limit`
/// (0 = DefaultMemoryLimit()).
void FitStepsInOrder(const std::vector<std::unique_ptr<Step>>& steps, const Estimator* estimator,
                     std::vector<Batch>* batches, TransformStats* drift, int64_t memory_limit);

/// FitStepsInOrder over the pipeline's steps (the memory check counting its estimator), then
/// sets the pipeline's feature names and returns the features. Does not fit the estimator.
Features FitSteps(Pipeline* pipeline, std::vector<Batch>* batches, TransformStats* drift,
                  int64_t memory_limit);

/// Before a fitted step (the `index`-th) transforms the training rows `batches`: the width it
/// makes (run on one row) times the rows is what the features will take if the width carries
/// through to the matrix, twice while the matrix is stacked from the batches, plus what
/// `estimator`'s fit needs (may be null). Past `limit` bytes, stops (kInvalidInput) naming the
/// step and its widest column, the estimate and the limit, instead of running out of memory.
void CheckFeatureMemory(const Step& step, size_t index, const std::vector<Batch>& batches,
                        const Estimator* estimator, int64_t limit);

/// Runs fitted steps over `batches` (consumed) and stacks the features in feature_names order.
Features TransformToFeatures(const Pipeline& pipeline, std::vector<Batch> batches,
                             TransformStats* drift);

}  // namespace outcore
