#pragma once
/// Steps (transformers), estimators, their registry, and the Pipeline that chains them.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/error.h"
#include "outcore/param_spec.h"

namespace outcore {

using Json = nlohmann::json;

/// Counters a transform reports (e.g. values outside the trained categories: drift).
/// Keys are "step_kind:column:what". Merged across threads by the caller.
struct TransformStats {
  std::map<std::string, int64_t> counters;
  /// Count values outside the fitted categories even where a step's on_unknown is "error":
  /// set by fit (training, test and cross-validation rows) and the model loader's probe row;
  /// predict leaves it false, so that such a value stops the run.
  bool lenient = false;
  void Add(const std::string& key, int64_t n) {
    if (n) counters[key] += n;
  }
  void Merge(const TransformStats& other) {
    for (auto& [k, v] : other.counters) counters[k] += v;
  }
};

/// A value a step with on_unknown = "error" was not fitted on: kInvalidInput, naming the step,
/// column and value; `row` is its 0-based row in the batch, for the caller to name the file
/// and the row there.
class UnknownValueError : public Error {
 public:
  UnknownValueError(const std::string& message, int64_t row)
      : Error(ErrorCode::kInvalidInput, message), row(row) {}
  int64_t row;
};

/// A transformer. Parameters are fixed at construction (validated there); `Reset` +
/// `PartialFit` over batches + `FinishFit` learn the state; `Transform` is const and
/// thread-safe.
class Step {
 public:
  virtual ~Step() = default;
  virtual std::string kind() const = 0;
  virtual Json params() const = 0;
  virtual void Reset() {}
  virtual void PartialFit(const Batch& batch) {}
  virtual void FinishFit() {}
  virtual Batch Transform(const Batch& batch, TransformStats* stats) const = 0;
  virtual Json SaveState() const { return Json::object(); }
  /// Restores state written by SaveState; validates it (throws kModel on bad state).
  virtual void LoadState(const Json& state) {}
  /// After FinishFit, for a step that makes several features of one column (one_hot): each
  /// such column and how many features it makes. Names the culprit when features would not
  /// fit in memory.
  virtual std::vector<std::pair<std::string, int64_t>> FeaturesPerColumn() const { return {}; }
};

/// Numeric features: column-major, rows x names.size().
struct Features {
  int64_t rows = 0;
  std::vector<std::string> names;
  std::vector<double> values;
  const double* col(size_t j) const { return values.data() + j * rows; }
  double* col(size_t j) { return values.data() + j * rows; }
};

/// The most classes a classifier's target may have.
inline constexpr int64_t kMaxClasses = 1000;

/// A model: `Fit` on features and targets, then `Predict`.
/// Classifiers: y holds class indices 0..k-1 of the k classes given by SetClasses before Fit
/// (two unless set). With 2 classes Predict gives P(class 1) per row; with k > 2 the k class
/// probabilities of each row, row after row (n_outputs() = k). Regressors predict y.
class Estimator {
 public:
  virtual ~Estimator() = default;
  virtual std::string kind() const = 0;
  virtual Json params() const = 0;
  virtual bool is_classifier() const = 0;
  virtual void Fit(const Features& X, const std::vector<double>& y) = 0;
  /// A classifier's classes (two or more, as text, in the order of the indices in y), before
  /// Fit: their number sets the outputs, their names key class_weight. The default accepts
  /// only two.
  virtual void SetClasses(const std::vector<std::string>& classes);
  /// Values Predict writes per row: 1, or k for a classifier of k > 2 classes.
  virtual int64_t n_outputs() const { return 1; }
  /// Writes X.rows * n_outputs() predictions to out.
  virtual void Predict(const Features& X, double* out) const = 0;
  virtual Json SaveState() const = 0;
  virtual void LoadState(const Json& state) = 0;
  /// About how many bytes Fit allocates beyond X itself for `rows` x `features`.
  virtual int64_t FitBytes(int64_t rows, int64_t features) const { return 0; }
  /// Facts about the last fit (iterations, converged, objective), for the model file.
  virtual Json FitInfo() const { return Json::object(); }
  /// Restores FitInfo from a model file, so that saving a loaded model keeps it.
  virtual void LoadFitInfo(const Json& info) {}
};

/// One registered kind: its name, a one-line doc, its declared parameters, and a factory that
/// checks parameters against that declaration (CheckParams) before it builds the object.
template <typename T>
struct Registration {
  std::string kind;
  std::string doc;
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<T>(const Json& params)> make;

  /// The registration of `kind`: `build` receives parameters already checked by CheckParams
  /// against `params` (defaults filled in), so it reads them without checking again.
  static Registration Declare(std::string kind, std::string doc, std::vector<ParamSpec> params,
                              std::function<std::unique_ptr<T>(const Json& checked)> build) {
    Registration r{std::move(kind), std::move(doc), std::move(params), nullptr};
    r.make = [kind = r.kind, specs = r.params, build = std::move(build)](const Json& given) {
      return build(CheckParams(kind, specs, given));
    };
    return r;
  }
};

const std::vector<Registration<Step>>& StepRegistry();
const std::vector<Registration<Estimator>>& EstimatorRegistry();
/// Builds a registered step/estimator; an unknown kind is an error listing the known ones.
std::unique_ptr<Step> MakeStep(const std::string& kind, const Json& params);
std::unique_ptr<Estimator> MakeEstimator(const std::string& kind, const Json& params);
/// The kinds a model file may hold but a spec cannot fit: tree ensembles converted from other
/// libraries (tree_ensemble_classifier, tree_ensemble_regressor; imported_trees.h).
const std::vector<Registration<Estimator>>& ImportedEstimatorRegistry();
/// For the model loader: a registered kind or an imported one.
std::unique_ptr<Estimator> MakeLoadedEstimator(const std::string& kind, const Json& params);
/// Every registered kind, as `outcore steps --json` prints it and the Python classes are made
/// from: {"steps": [...], "estimators": [...]}, each {kind, doc, params: [names, in order],
/// parameters: [ParamSpec::ToJson()]}, estimators also {classifier}.
Json RegistryJson();

/// Steps then an estimator. Transform/Predict are const and thread-safe.
class Pipeline {
 public:
  std::vector<std::unique_ptr<Step>> steps;
  std::unique_ptr<Estimator> estimator;
  std::vector<std::string> feature_names;  // learned at fit

  /// Runs every step.
  Batch Transform(const Batch& batch, TransformStats* stats) const;
  /// Turns a transformed batch into features in feature_names order (all must be numeric).
  Features ToFeatures(const Batch& transformed) const;
  /// Transform + estimator: one prediction per row of `batch`.
  /// Transform, then the estimator: rows x estimator->n_outputs() values, row after row.
  std::vector<double> Predict(const Batch& batch, TransformStats* stats) const;
};

}  // namespace outcore
