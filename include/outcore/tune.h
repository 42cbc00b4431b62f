#pragma once
/// Model selection by k-fold cross-validation: folds, scores, learning curves and
/// hyper-parameter search (grid and random), every fit in parallel.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "outcore/fit.h"
#include "outcore/model.h"

namespace outcore {

/// How rows are dealt into folds, and what a fold's model is scored by.
struct CvOptions {
  int folds = 5;
  /// No seed: contiguous folds in input order, as scikit-learn's KFold(n_splits=k,
  /// shuffle=False): of n rows, the first n % k folds hold n / k + 1 rows, the others n / k.
  /// A seed: the same, over the rows in the order of ShufflePermutation(n, seed).
  std::optional<uint64_t> shuffle_seed;
  /// accuracy, log_loss, roc_auc (classifiers; default accuracy) or r2, rmse, mae
  /// (regressors; default r2). Empty = the default.
  std::string scoring;
};

/// The rows of each fold. Row numbers count the rows that have a target, in input order.
struct Folds {
  std::vector<int64_t> order;  // every row once: identity, or the shuffle permutation
  std::vector<int64_t> begin;  // fold f is order[begin[f], begin[f + 1])

  int count() const { return static_cast<int>(begin.size()) - 1; }
  int64_t train_rows(int f) const;
  /// 1 for the training rows of fold f (the rows of the other folds), else 0. With
  /// `limit` >= 0, only the first `limit` of them in `order`.
  std::vector<uint8_t> TrainMask(int f, int64_t limit = -1) const;
  /// 1 for the validation rows of fold f.
  std::vector<uint8_t> ValidMask(int f) const;
};

/// Fisher-Yates from the end driven by SplitMix64, reproducible in a few lines of Python:
///   state = seed; perm = list(range(n))
///   for i in range(n - 1, 0, -1):
///       state = (state + 0x9E3779B97F4A7C15) % 2**64; z = state
///       z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
///       z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
///       j = (z ^ (z >> 31)) % (i + 1); perm[i], perm[j] = perm[j], perm[i]
std::vector<int64_t> ShufflePermutation(int64_t n, uint64_t seed);
/// Throws kUsage when folds < 2 or there are fewer rows than folds.
Folds MakeFolds(int64_t rows, const CvOptions& options);

/// The scoring's name when `scoring` is empty; checks that it fits the kind of model.
std::string ResolveScoring(const std::string& scoring, bool classifier);
/// The score of predictions p (P(positive), values, or with `classes` > 2 the class
/// probabilities of each row, row after row) against labels y, on data in memory. Multiclass
/// roc_auc is one-vs-rest, macro-averaged.
double Score(const std::string& scoring, const std::vector<double>& y,
             const std::vector<double>& p, int64_t classes = 2);
/// False for losses and errors (log_loss, rmse, mae): lower is better.
bool HigherIsBetter(const std::string& scoring);

/// Values to try for one parameter: "model.C", or "steps.N.param" with N the 0-based step.
struct ParamSpace {
  std::string key;
  std::vector<Json> values;  // a list: grid search, or random picks from it
  /// Or a distribution, for random search only: "uniform", "loguniform" or "randint"
  /// (integers in [low, high]), and its bounds.
  std::string distribution;
  double low = 0, high = 0;
};

/// Parses KEY=V1,V2,... (values read as number, true/false, or text) or
/// KEY=uniform(A,B) / loguniform(A,B) / randint(A,B). Throws kUsage with an example.
ParamSpace ParseParamSpace(const std::string& text);
/// The spec with the candidate's {key: value} parameters set. Throws kUsage naming the key
/// when it names no step or parameter, or kModel when a value is invalid for it.
PipelineSpec WithParams(const PipelineSpec& spec, const Json& params);

/// Every combination of the spaces' values, the last space varying fastest. Throws when a
/// space is a distribution.
std::vector<Json> GridCandidates(const std::vector<ParamSpace>& spaces);
/// `n` candidates: distinct picks from the grid when every space is a list (the whole grid if
/// it is smaller), else independent draws; deterministic for a seed.
std::vector<Json> RandomCandidates(const std::vector<ParamSpace>& spaces, int n, uint64_t seed);

struct TuneOptions {
  std::vector<ParamSpace> spaces;
  int random = 0;     // 0: the whole grid; N: N random candidates
  uint64_t seed = 0;  // for random candidates
  CvOptions cv;
  FitOptions fit;     // threads, bad rows; test_size is ignored (the refit uses every row)
  bool refit = true;  // refit the best candidate on every row
};

struct CandidateResult {
  Json params;                      // {"model.C": 0.1, ...}
  std::vector<double> fold_scores;  // validation score of each fold
  double mean = 0, std = 0;         // over folds (std with ddof 0, as scikit-learn's)
  double fit_seconds = 0;           // mean over folds: the estimator's fit plus its share of
                                    // the fold's preprocessing (shared by the candidates
                                    // that do not change a step)
  double score_seconds = 0;         // mean over folds
  int rank = 0;                     // 1 = best; equal scores share a rank
};

struct TuneReport {
  std::string scoring;
  int folds = 0;
  int64_t rows = 0;
  int preprocessing_fits = 0;  // times the steps were fitted (once per fold and step group)
  std::vector<CandidateResult> candidates;  // best first
  Model best;                               // when refit
  FitReport refit_report;
  FitReport read_report;  // rows read, rejected, missing target
  double seconds = 0;
  Json ToJson() const;
};

/// Reads the inputs once, cross-validates every candidate ((candidate, fold) fits in
/// parallel; the steps are fitted once per fold for all candidates that only change model.*
/// parameters), ranks them, and refits the best on every row with FitOnData, as `outcore
/// fit --test-size 0` would: the best model is a normal model file.
TuneReport Tune(const PipelineSpec& spec, const std::vector<std::string>& inputs,
                const TuneOptions& options);
/// Tune on rows already read by ReadTrainingData (consumed by the refit).
TuneReport TuneOnData(const PipelineSpec& spec, TrainingData data, const TuneOptions& options);
/// The ranked table as CSV: rank, one column per parameter, mean, std, fit_seconds,
/// score_seconds, fold_0, fold_1, ...
std::string TuneTableCsv(const TuneReport& report);

struct LearningCurveOptions {
  /// Training rows per point, each at most a fold's training rows. Empty: 1e2, 3e2, 1e3, ...
  /// below the largest, plus the largest.
  std::vector<int64_t> sizes;
  CvOptions cv;
  FitOptions fit;  // threads, bad rows
};

struct LearningCurvePoint {
  int64_t size = 0;
  std::vector<double> train_scores, valid_scores;  // one per fold
  double fit_seconds = 0;                          // mean over folds, steps and estimator
  double train_mean() const;
  double train_std() const;
  double valid_mean() const;
  double valid_std() const;
};

struct LearningCurve {
  std::string scoring, estimator, title;
  int folds = 0;
  int64_t rows = 0;
  std::vector<LearningCurvePoint> points;  // by size
  double seconds = 0;
};

/// For each size and fold, fits the whole pipeline (steps too) on the first `size` training
/// rows of the fold (in fold order) and scores it on them and on the fold's validation rows;
/// every (size, fold) in parallel.
LearningCurve ComputeLearningCurve(const PipelineSpec& spec, const std::vector<std::string>& inputs,
                                   const LearningCurveOptions& options);
LearningCurve LearningCurveOnData(const PipelineSpec& spec, const TrainingData& data,
                                  const LearningCurveOptions& options);
/// size, train_mean, train_std, valid_mean, valid_std, fit_seconds, train_fold_0.., valid_fold_0..
std::string LearningCurveCsv(const LearningCurve& curve);
/// A self-contained SVG: train and validation score against training rows (log x axis), with
/// ±1 std bands, axes with ticks and labels, a legend and a title.
std::string LearningCurveSvg(const LearningCurve& curve);

}  // namespace outcore
