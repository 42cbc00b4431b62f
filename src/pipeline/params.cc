#include "pipeline/params.h"

#include <cmath>
#include <set>

namespace outcore {

static std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

ParamReader::ParamReader(std::string kind, const Json& params, std::vector<std::string> known)
    : kind_(std::move(kind)), params_(params) {
  if (!params_.is_object()) Fail(ErrorCode::kModel, kind_ + ": parameters must be a table");
  for (auto& [key, value] : params_.items()) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == key;
    if (!ok)
      Fail(ErrorCode::kModel,
           kind_ + ": unknown parameter '" + key + "' (known: " + Join(known) + ")");
  }
}

void ParamReader::Bad(const std::string& key, const std::string& why) const {
  Fail(ErrorCode::kModel, kind_ + ": parameter '" + key + "' " + why);
}

std::string ParamReader::String(const std::string& key, const std::string& fallback) const {
  if (!Has(key)) return fallback;
  if (!params_[key].is_string()) Bad(key, "must be a string");
  return params_[key].get<std::string>();
}

std::string ParamReader::RequiredString(const std::string& key) const {
  if (!Has(key)) Bad(key, "is required");
  return String(key, "");
}

double ParamReader::Number(const std::string& key, double fallback) const {
  if (!Has(key)) return fallback;
  if (!params_[key].is_number()) Bad(key, "must be a number");
  return params_[key].get<double>();
}

bool ParamReader::Bool(const std::string& key, bool fallback) const {
  if (!Has(key)) return fallback;
  if (!params_[key].is_boolean()) Bad(key, "must be true or false");
  return params_[key].get<bool>();
}

std::vector<std::string> ParamReader::Strings(const std::string& key, bool required) const {
  if (!Has(key)) {
    if (required) Bad(key, "is required");
    return {};
  }
  const Json& v = params_[key];
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array()) Bad(key, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) Bad(key, "must be a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace outcore

namespace outcore {

StateReader::StateReader(std::string kind, const Json& state, const std::vector<std::string>& required)
    : kind_(std::move(kind)), state_(state) {
  if (!state_.is_object()) Bad("", "must be an object, not " + std::string(state_.type_name()));
  for (const auto& key : required)
    if (!state_.contains(key)) Bad("", "has no '" + key + "'");
}

void StateReader::Bad(const std::string& path, const std::string& why) const {
  Fail(ErrorCode::kModel, "state" + (path.empty() ? "" : "." + path) + ": " + why + " (" + kind_ + ")");
}

const Json& StateReader::Array(const std::string& key, int64_t size, const std::string& each) const {
  if (!state_.contains(key)) Bad("", "has no '" + key + "'");
  const Json& v = state_[key];
  if (!v.is_array()) Bad(key, "must be a list, not " + std::string(v.type_name()));
  if (size >= 0 && static_cast<int64_t>(v.size()) != size)
    Bad(key, "has " + std::to_string(v.size()) + " entries, expected " + std::to_string(size) +
                 " (one per " + each + ")");
  return v;
}

std::vector<double> StateReader::Numbers(const std::string& key, int64_t size, const std::string& each) const {
  const Json& v = Array(key, size, each);
  std::vector<double> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) out.push_back(Number(v[i], key + "[" + std::to_string(i) + "]"));
  return out;
}

double StateReader::Number(const Json& value, const std::string& path) const {
  if (!value.is_number()) Bad(path, "must be a number, not " + std::string(value.type_name()));
  double x = value.get<double>();
  if (!std::isfinite(x)) Bad(path, "is not finite");
  return x;
}

std::vector<std::string> StateReader::DistinctStrings(const Json& value, const std::string& path) const {
  if (!value.is_array()) Bad(path, "must be a list of strings, not " + std::string(value.type_name()));
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < value.size(); ++i) {
    const Json& v = value[i];
    if (!v.is_string()) Bad(path + "[" + std::to_string(i) + "]", "must be a string, not " + std::string(v.type_name()));
    if (!seen.insert(v.get<std::string>()).second)
      Bad(path + "[" + std::to_string(i) + "]", "'" + v.get<std::string>() + "' is listed twice");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace outcore
