// The one place where every step and estimator kind is registered (explicitly, in order).
#include "outcore/error.h"
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

std::unique_ptr<Estimator> MakeEstimator(const std::string& kind, const Json& params) {
  return Make(EstimatorRegistry(), "model", kind, params);
}

Json RegistryJson() {
  Json steps = Json::array(), estimators = Json::array();
  for (const auto& r : StepRegistry()) steps.push_back(Describe(r));
  for (const auto& r : EstimatorRegistry()) {
    Json entry = Describe(r);
    entry["classifier"] = r.make(Json::object())->is_classifier();  // every estimator has all defaults
    estimators.push_back(entry);
  }
  return {{"steps", steps}, {"estimators", estimators}};
}

}  // namespace outcore
