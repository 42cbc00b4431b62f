#pragma once
/// Scoring a model on labelled data of any size: streaming metrics, in parallel over splits.
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/source.h"
#include "outcore/metrics.h"
#include "outcore/model.h"

namespace outcore {

struct EvaluateOptions {
  int threads = 0;                  // 0 = all cores
  int64_t split_size = 64LL << 20;  // bytes of input per split
  BadRowPolicy on_bad_rows = BadRowPolicy::kStop;
  std::string reject_path;                    // with kReject
  int auc_bins = BinnedRocAuc::kDefaultBins;  // resolution of the out-of-core ROC AUC
};

/// Row counts of an evaluation (summed over splits).
struct EvaluateCounts {
  int64_t rows_in = 0;                // rows read, good or bad
  int64_t rows_rejected = 0;          // rows that could not be read (skipped or rejected)
  int64_t rows_missing_target = 0;    // no label: not scored
  int64_t rows_missing_features = 0;  // a missing feature value: no prediction, not scored
  std::vector<RejectedRow> rejects;
  void Merge(const EvaluateCounts& other);
};

struct EvaluateReport {
  Json metrics;  // DetailedMetrics::ToJson: rows, accuracy, log_loss, roc_auc, ... or rmse, ...
  EvaluateCounts counts;
  int64_t files = 0, splits = 0;
  double seconds = 0;
  /// metrics plus files, splits, rows_in, rows_rejected, rows_missing_target,
  /// rows_missing_features, classes (for a classifier) and seconds.
  Json ToJson(const Model& model) const;
};

/// Reads the inputs with the model's read options (its input columns plus its target),
/// checks them against the model, predicts every row and accumulates the metrics, on all
/// threads. Throws kSchema naming the input when the target column is missing.
EvaluateReport Evaluate(const Model& model, const std::vector<std::string>& inputs,
                        const EvaluateOptions& options);

/// One split's share of an evaluation (what a remote worker runs): adds its rows to
/// `metrics` and `counts`, which the caller merges.
void EvaluateSplit(const Model& model, const Split& split, const EvaluateOptions& options,
                   DetailedMetrics* metrics, EvaluateCounts* counts);

}  // namespace outcore
