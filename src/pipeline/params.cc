#include "pipeline/params.h"

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
