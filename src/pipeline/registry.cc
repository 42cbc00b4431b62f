// The one place where every step and estimator kind is registered (explicitly, in order).
#include "outcore/error.h"
#include "pipeline/estimators/imported_trees.h"
#include "pipeline/estimators/register.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

template <typename T>
std::unique_ptr<T> Make(const std::vector<Registration<T>>& registry, const char* what,
                        const std::string& kind, const Json& params) {
  std::string known;
  for (const auto& r : registry) {
    if (r.kind == kind) return r.make(params.is_null() ? Json::object() : params);
    known += (known.empty() ? "" : ", ") + r.kind;
  }
  Fail(ErrorCode::kModel, "unknown " + std::string(what) + " kind '" + kind + "' (known: " + known + ")");
}

template <typename T>
Json Describe(const Registration<T>& r) {
  Json names = Json::array(), specs = Json::array();
  for (const auto& p : r.params) {
    names.push_back(p.name);
    specs.push_back(p.ToJson());
  }
  return {{"kind", r.kind}, {"doc", r.doc}, {"params", names}, {"parameters", specs}};
}

}  // namespace

const std::vector<Registration<Step>>& StepRegistry() {
  static const std::vector<Registration<Step>> registry = [] {
    std::vector<Registration<Step>> r;
    RegisterColumnSteps(&r);
    RegisterDatetimeSteps(&r);
    RegisterTextSteps(&r);
    RegisterCategorySteps(&r);
    RegisterScalerSteps(&r);
    RegisterImputerSteps(&r);
    RegisterExpressionSteps(&r);
    return r;
  }();
  return registry;
}

const std::vector<Registration<Estimator>>& EstimatorRegistry() {
  static const std::vector<Registration<Estimator>> registry = [] {
    std::vector<Registration<Estimator>> r;
    RegisterEstimators(&r);
    return r;
  }();
  return registry;
}

std::unique_ptr<Step> MakeStep(const std::string& kind, const Json& params) {
  return Make(StepRegistry(), "step", kind, params);
}

const std::vector<Registration<Estimator>>& ImportedEstimatorRegistry() {
  static const std::vector<Registration<Estimator>> registry = [] {
    std::vector<Registration<Estimator>> r;
    RegisterImportedEstimators(&r);
    return r;
  }();
  return registry;
}

std::unique_ptr<Estimator> MakeEstimator(const std::string& kind, const Json& params) {
  for (const auto& r : ImportedEstimatorRegistry())
    if (r.kind == kind)
      Fail(ErrorCode::kModel, "model kind '" + kind + "' holds trees converted from another library (outcore "
                              "import-xgboost, outcore.from_sklearn): a model file may hold it, a spec cannot fit it");
  return Make(EstimatorRegistry(), "model", kind, params);
}

std::unique_ptr<Estimator> MakeLoadedEstimator(const std::string& kind, const Json& params) {
  for (const auto& r : ImportedEstimatorRegistry())
    if (r.kind == kind) return r.make(params.is_null() ? Json::object() : params);
  return Make(EstimatorRegistry(), "model", kind, params);
}

namespace {

// Whether a classifier fits `k` classes (SetClasses refuses what it cannot).
bool AcceptsClasses(Estimator* e, int k) {
  std::vector<std::string> classes;
  for (int c = 0; c < k; ++c) classes.push_back(std::to_string(c));
  try {
    e->SetClasses(classes);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

Json RegistryJson() {
  Json steps = Json::array(), estimators = Json::array();
  for (const auto& r : StepRegistry()) steps.push_back(Describe(r));
  for (const auto& r : EstimatorRegistry()) {
    Json entry = Describe(r);
    const std::unique_ptr<Estimator> e = r.make(Json::object());  // every estimator has all defaults
    entry["classifier"] = e->is_classifier();
    if (e->is_classifier()) entry["multiclass"] = AcceptsClasses(e.get(), 3);
    estimators.push_back(entry);
  }
  return {{"steps", steps}, {"estimators", estimators}};
}

}  // namespace outcore
