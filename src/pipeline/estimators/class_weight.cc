#include "pipeline/estimators/class_weight.h"

#include <algorithm>

#include "outcore/error.h"

namespace outcore {

ParamSpec ClassWeightParam() {
  ParamSpec spec = ParamSpec::StringOrNumberTable("class_weight")
                       .OneOf({"balanced"}, {"n / (classes x rows of the class)"})
                       .AtLeast(0)
                       .Doc("weights of the rows of each class: \"balanced\" or a table class = weight "
                            "(unnamed classes weigh 1); unset: every row weighs 1");
  return spec;
}

std::vector<double> ClassWeights(const std::string& kind, const Json& class_weight,
                                 const std::vector<std::string>& classes, const std::vector<double>& y) {
  if (class_weight.is_null()) return {};
  const size_t k = classes.size();
  std::vector<double> weights(k, 1.0);
  if (class_weight.is_string()) {  // "balanced"
    std::vector<double> counts(k, 0.0);
    for (double label : y) counts[static_cast<size_t>(label)] += 1;
    for (size_t c = 0; c < k; ++c)
      weights[c] = counts[c] > 0 ? static_cast<double>(y.size()) / (static_cast<double>(k) * counts[c]) : 1.0;
    return weights;
  }
  for (auto& [key, value] : class_weight.items()) {
    const auto at = std::find(classes.begin(), classes.end(), key);
    if (at == classes.end()) {
      std::string names;
      for (const auto& c : classes) names += (names.empty() ? "'" : ", '") + c + "'";
      Fail(ErrorCode::kInvalidInput, kind + ": class_weight names '" + key +
                                         "', which is not a class of the target (classes: " + names + ")");
    }
    weights[at - classes.begin()] = value.get<double>();
  }
  return weights;
}

std::vector<double> RowWeights(const std::vector<double>& weights, const std::vector<double>& y) {
  if (weights.empty()) return {};
  std::vector<double> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) out[i] = weights[static_cast<size_t>(y[i])];
  return out;
}

}  // namespace outcore
