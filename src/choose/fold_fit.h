#pragma once
// Fitting a pipeline on some rows of TrainingData and scoring it on others (internal): the
// piece cross-validation, tuning and learning curves share.
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/fit.h"
#include "outcore/pipeline.h"

namespace outcore::choose {

/// The rows of `data` whose mask entry is 1, in input order (batch boundaries kept), and
/// their labels appended to `labels`.
std::vector<Batch> SelectRows(const TrainingData& data, const std::vector<uint8_t>& mask,
                              std::vector<double>* labels);

/// A fold after preprocessing: the steps fitted on the training rows, both sides as features.
struct PreparedFold {
  Features train, valid;
  std::vector<double> y_train, y_valid;
  double seconds = 0;  // reading rows out of `data`, fitting and running the steps
};

/// Builds `spec`'s steps, fits them on the rows of `train_mask` and transforms the rows of
/// `valid_mask`. Uses the calling thread's task arena. `memory_limit` as for FitSteps.
PreparedFold PrepareFold(const PipelineSpec& spec, const TrainingData& data,
                         const std::vector<uint8_t>& train_mask,
                         const std::vector<uint8_t>& valid_mask, int64_t memory_limit);

/// The memory limit of one fold when up to min(threads, tasks) folds are fitted at once: an
/// equal share of `memory_limit` (0 = DefaultMemoryLimit()).
int64_t FoldMemoryLimit(int64_t memory_limit, int threads, size_t tasks);

/// Mean and standard deviation (ddof 0) of the values that are not NaN.
double Mean(const std::vector<double>& v);
double StdDev(const std::vector<double>& v);

/// Seconds since `start` on the steady clock.
double SecondsSince(int64_t start_ns);
int64_t NowNs();

}  // namespace outcore::choose
