#pragma once
/// Fitting a pipeline spec on inputs that fit in memory.
#include <cstdint>
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
};

/// What happened during a fit (also recorded in the model's training record and metrics).
struct FitReport {
  int64_t files = 0, bytes = 0;
  int64_t rows_read = 0, rows_rejected = 0, rows_missing_target = 0;
  int64_t rows_train = 0, rows_test = 0;
  Json train_metrics, test_metrics;
  Json fit_info;             // the estimator's (iterations, converged, ...)
  TransformStats drift;      // counters from the steps (e.g. values outside the categories)
  double seconds_read = 0, seconds_fit = 0, seconds_score = 0, seconds_total = 0;
  Json ToJson() const;
};

/// Reads the inputs with the spec's read options, fits steps then estimator on the training
/// rows, scores train and test rows, and returns the fitted model with its training record.
Model FitModel(const PipelineSpec& spec, const std::vector<std::string>& inputs,
               const FitOptions& options, FitReport* report);

}  // namespace outcore
