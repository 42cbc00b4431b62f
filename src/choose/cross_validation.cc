// Folds, scores and fold preparation shared by tune and learning-curve.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "choose/fold_fit.h"
#include "choose/rows.h"
#include "core/batch_ops.h"
#include "core/random.h"
#include "outcore/error.h"
#include "outcore/metrics.h"
#include "outcore/tune.h"

namespace outcore {

int64_t Folds::train_rows(int f) const {
  return static_cast<int64_t>(order.size()) - (begin[f + 1] - begin[f]);
}

std::vector<uint8_t> Folds::TrainMask(int f, int64_t limit) const {
  std::vector<uint8_t> mask(order.size(), 0);
  int64_t taken = 0;
  for (int64_t k = 0; k < static_cast<int64_t>(order.size()); ++k) {
    if (k >= begin[f] && k < begin[f + 1]) continue;
    if (limit >= 0 && taken == limit) break;
    mask[order[k]] = 1;
    ++taken;
  }
  return mask;
}

std::vector<uint8_t> Folds::ValidMask(int f) const {
  std::vector<uint8_t> mask(order.size(), 0);
  for (int64_t k = begin[f]; k < begin[f + 1]; ++k) mask[order[k]] = 1;
  return mask;
}

std::vector<int64_t> ShufflePermutation(int64_t n, uint64_t seed) {
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  uint64_t state = seed;
  for (int64_t i = n - 1; i > 0; --i) {
    uint64_t j = SplitMix64(&state) % static_cast<uint64_t>(i + 1);
    std::swap(perm[i], perm[j]);
  }
  return perm;
}

Folds MakeFolds(int64_t rows, const CvOptions& options) {
  const int k = options.folds;
  if (k < 2) Fail(ErrorCode::kUsage, "--cv must be at least 2, got " + std::to_string(k));
  if (rows < k)
    Fail(ErrorCode::kInvalidInput,
         "cannot make " + std::to_string(k) + " folds of " + std::to_string(rows) + " rows");
  Folds folds;
  if (options.shuffle_seed) {
    folds.order = ShufflePermutation(rows, *options.shuffle_seed);
  } else {
    folds.order.resize(rows);
    std::iota(folds.order.begin(), folds.order.end(), 0);
  }
  folds.begin.push_back(0);
  for (int f = 0; f < k; ++f)
    folds.begin.push_back(folds.begin.back() + rows / k + (f < rows % k ? 1 : 0));
  return folds;
}

std::string ResolveScoring(const std::string& scoring, bool classifier) {
  if (scoring.empty()) return classifier ? "accuracy" : "r2";
  const bool for_classifier =
      scoring == "accuracy" || scoring == "log_loss" || scoring == "roc_auc";
  const bool for_regressor = scoring == "r2" || scoring == "rmse" || scoring == "mae";
  if (!for_classifier && !for_regressor)
    Fail(ErrorCode::kUsage, "--scoring: unknown '" + scoring +
                                "' (classifiers: accuracy, log_loss, roc_auc; regressors: r2, "
                                "rmse, mae)");
  if (classifier && !for_classifier)
    Fail(ErrorCode::kUsage, "--scoring " + scoring +
                                " is for regressors; the model is a "
                                "classifier (use accuracy, log_loss or roc_auc)");
  if (!classifier && !for_regressor)
    Fail(ErrorCode::kUsage, "--scoring " + scoring +
                                " is for classifiers; the model is a "
                                "regressor (use r2, rmse or mae)");
  return scoring;
}

bool HigherIsBetter(const std::string& scoring) {
  return scoring != "log_loss" && scoring != "rmse" && scoring != "mae";
}

double Score(const std::string& scoring, const std::vector<double>& y,
             const std::vector<double>& p, int64_t classes) {
  const int64_t n = static_cast<int64_t>(y.size());
  if (scoring == "roc_auc")
    return classes > 2 ? RocAucOvr(y.data(), p.data(), n, classes) : RocAuc(y.data(), p.data(), n);
  if (scoring == "accuracy" || scoring == "log_loss" || scoring == "rmse" || scoring == "mae") {
    Metrics m(scoring == "accuracy" || scoring == "log_loss", classes);
    m.Add(y.data(), p.data(), n);
    nlohmann::json j = m.ToJson();
    return j.contains(scoring) ? j[scoring].get<double>() : std::nan("");
  }
  if (scoring == "r2") {  // 1 - SS_res / SS_tot about the mean, as scikit-learn's r2_score
    double mean = 0, ss_res = 0, ss_tot = 0;
    for (double v : y) mean += v;
    mean /= static_cast<double>(n);
    for (int64_t i = 0; i < n; ++i) {
      ss_res += (y[i] - p[i]) * (y[i] - p[i]);
      ss_tot += (y[i] - mean) * (y[i] - mean);
    }
    return ss_tot > 0 ? 1 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
  }
  Fail(ErrorCode::kUsage, "unknown scoring '" + scoring + "'");
}

namespace choose {

std::vector<Batch> SelectRows(const TrainingData& data, const std::vector<uint8_t>& mask,
                              std::vector<double>* labels) {
  std::vector<Batch> out;
  int64_t offset = 0;
  for (const Batch& batch : data.batches) {
    std::vector<uint8_t> keep(mask.begin() + offset, mask.begin() + offset + batch.num_rows);
    int64_t kept = 0;
    for (int64_t i = 0; i < batch.num_rows; ++i)
      if (keep[i]) {
        ++kept;
        labels->push_back(data.labels[offset + i]);
      }
    offset += batch.num_rows;
    if (kept == batch.num_rows)
      out.push_back(batch);  // columns shared, not copied
    else if (kept > 0)
      out.push_back(FilterRows(batch, keep));
  }
  return out;
}

PreparedFold PrepareFold(const PipelineSpec& spec, const TrainingData& data,
                         const std::vector<uint8_t>& train_mask,
                         const std::vector<uint8_t>& valid_mask, int64_t memory_limit) {
  int64_t start = NowNs();
  PreparedFold fold;
  Pipeline pipeline = spec.Build();
  TransformStats drift;
  std::vector<Batch> train = SelectRows(data, train_mask, &fold.y_train);
  fold.train = FitSteps(&pipeline, &train, &drift, memory_limit);
  train.clear();
  std::vector<Batch> valid = SelectRows(data, valid_mask, &fold.y_valid);
  fold.valid = TransformToFeatures(pipeline, std::move(valid), &drift);
  fold.seconds = SecondsSince(start);
  return fold;
}

int64_t FoldMemoryLimit(int64_t memory_limit, int threads, size_t tasks) {
  const int64_t limit = memory_limit > 0 ? memory_limit : DefaultMemoryLimit();
  const int64_t at_once = std::max<int64_t>(1, std::min<int64_t>(threads, static_cast<int64_t>(tasks)));
  return std::max<int64_t>(1, limit / at_once);
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  int64_t n = 0;
  for (double x : v)
    if (!std::isnan(x)) sum += x, ++n;
  return n ? sum / static_cast<double>(n) : std::nan("");
}

double StdDev(const std::vector<double>& v) {
  double mean = Mean(v), sum = 0;
  int64_t n = 0;
  for (double x : v)
    if (!std::isnan(x)) sum += (x - mean) * (x - mean), ++n;
  return n ? std::sqrt(sum / static_cast<double>(n)) : std::nan("");
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double SecondsSince(int64_t start_ns) { return static_cast<double>(NowNs() - start_ns) * 1e-9; }

}  // namespace choose
}  // namespace outcore
