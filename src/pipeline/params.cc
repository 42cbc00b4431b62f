#include "pipeline/params.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace outcore {

namespace {

std::string Join(const std::vector<std::string>& v, const std::string& last = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : i + 1 == v.size() ? last : ", ") + v[i];
  return out;
}

// 0 -> "0", 1e9 -> "1000000000", 1e-10 -> "1e-10".
std::string NumberText(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) return std::to_string(static_cast<int64_t>(x));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// A choice as text: a string as it is, a number as NumberText.
std::string ChoiceText(const Json& v) {
  return v.is_string() ? v.get<std::string>() : v.is_number() ? NumberText(v.get<double>()) : v.dump();
}

std::vector<std::string> ChoiceTexts(const ParamSpec& spec) {
  std::vector<std::string> out;
  for (const auto& c : spec.choices) out.push_back(ChoiceText(c));
  return out;
}

bool InBounds(const ParamSpec& spec, double x) {
  if (spec.has_min() && (spec.min_exclusive ? !(x > spec.min) : !(x >= spec.min))) return false;
  if (spec.has_max() && (spec.max_exclusive ? !(x < spec.max) : !(x <= spec.max))) return false;
  return true;
}

// The bounds of a whole number in words, for an error: " of at least 2", " of at least 2 and
// at most 5".
std::string BoundsWords(const ParamSpec& spec) {
  std::vector<std::string> parts;
  if (spec.has_min()) parts.push_back((spec.min_exclusive ? "greater than " : "of at least ") + NumberText(spec.min));
  if (spec.has_max()) parts.push_back((spec.max_exclusive ? "less than " : "at most ") + NumberText(spec.max));
  return parts.empty() ? "" : " " + Join(parts, " and ");
}

// Each choice with its meaning: "0 (scikit-learn)".
std::vector<std::string> ChoicesWithMeanings(const ParamSpec& spec) {
  std::vector<std::string> out = ChoiceTexts(spec);
  for (size_t i = 0; i < out.size() && i < spec.meanings.size(); ++i) out[i] += " (" + spec.meanings[i] + ")";
  return out;
}

bool IsChoice(const ParamSpec& spec, const Json& v) {
  for (const auto& c : spec.choices)
    if (c == v || (c.is_number() && v.is_number() && c.get<double>() == v.get<double>())) return true;
  return false;
}

// A string that must be one of the choices (if any).
void CheckChoice(const std::string& kind, const ParamSpec& spec, const Json& v) {
  if (!spec.choices.empty() && !IsChoice(spec, v))
    BadParam(kind, spec.name, "has unknown value '" + v.get<std::string>() + "' (known: " + Join(ChoiceTexts(spec)) + ")");
}

Json CheckValue(const std::string& kind, const ParamSpec& spec, const Json& v) {
  auto bad = [&](const std::string& why) { BadParam(kind, spec.name, why); };
  switch (spec.type) {
    case ParamType::kFloat: {
      if (!v.is_number()) bad("must be a number");
      const double x = v.get<double>();
      if (!std::isfinite(x) || !InBounds(spec, x))
        bad("must be a finite number" + (spec.BoundsText().empty() ? "" : " " + spec.BoundsText()) + ", got " +
            NumberText(x));
      return x;
    }
    case ParamType::kInt: {
      if (!spec.choices.empty()) {
        if (!IsChoice(spec, v)) bad("must be " + Join(ChoicesWithMeanings(spec), " or ") + ", got " + v.dump());
        return static_cast<int64_t>(v.get<double>());
      }
      const double x = v.is_number() ? v.get<double>() : std::nan("");
      if (!std::isfinite(x) || x != std::floor(x) || std::fabs(x) > 9e15 || !InBounds(spec, x))
        bad("must be a whole number" + BoundsWords(spec) + ", got " + v.dump());
      return v.is_number_integer() ? v : Json(static_cast<int64_t>(x));
    }
    case ParamType::kBool:
      if (!v.is_boolean()) bad("must be true or false");
      return v;
    case ParamType::kString:
      if (!v.is_string()) bad("must be a string");
      CheckChoice(kind, spec, v);
      return v;
    case ParamType::kStringList: {
      Json list = v.is_string() ? Json::array({v}) : v;
      if (!list.is_array()) bad("must be a list of strings");
      for (const auto& e : list) {
        if (!e.is_string()) bad("must be a list of strings");
        CheckChoice(kind, spec, e);
      }
      return list;
    }
    case ParamType::kStringListTable:
      if (!v.is_object()) bad("must be a table of name = [strings]");
      for (auto& [key, list] : v.items()) {
        if (!list.is_array()) bad("entry '" + key + "' must be a list of strings");
        for (const auto& e : list)
          if (!e.is_string()) bad("entry '" + key + "' must be a list of strings");
      }
      return v;
    case ParamType::kStringTable:
      if (!v.is_object()) bad("must be a table of name = \"string\"");
      for (auto& [key, value] : v.items())
        if (!value.is_string()) bad("entry '" + key + "' must be a string");
      return v;
    case ParamType::kNumberOrString:
      if (!v.is_string() && !(v.is_number() && std::isfinite(v.get<double>())))
        bad("must be a finite number or a string");
      // Declared bounds apply to the number (the kind checks what strings mean).
      if (v.is_number() && !InBounds(spec, v.get<double>()))
        bad("must be a number " + spec.BoundsText() + " or a string, got " + NumberText(v.get<double>()));
      return v;
    case ParamType::kBoolOrString:
      if (!v.is_boolean() && !v.is_string()) bad("must be true, false or a string");
      if (v.is_string()) CheckChoice(kind, spec, v);
      return v;
    case ParamType::kStringOrNumberTable:
      if (v.is_string()) {
        CheckChoice(kind, spec, v);
        return v;
      }
      if (!v.is_object()) bad("must be a string or a table of name = number");
      for (auto& [key, value] : v.items()) {
        const double x = value.is_number() ? value.get<double>() : std::nan("");
        if (!std::isfinite(x) || !InBounds(spec, x))
          bad("entry '" + key + "' must be a finite number" + BoundsWords(spec) + ", got " + value.dump());
      }
      return v;
  }
  return v;
}

}  // namespace

const char* ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kFloat: return "float";
    case ParamType::kInt: return "int";
    case ParamType::kBool: return "bool";
    case ParamType::kString: return "string";
    case ParamType::kStringList: return "string list";
    case ParamType::kStringListTable: return "table of string lists";
    case ParamType::kStringTable: return "table of strings";
    case ParamType::kNumberOrString: return "number or string";
    case ParamType::kBoolOrString: return "bool or string";
    case ParamType::kStringOrNumberTable: return "string or table of numbers";
  }
  return "?";
}

std::string ParamSpec::BoundsText() const {
  std::vector<std::string> parts;
  if (has_min()) parts.push_back((min_exclusive ? "> " : ">= ") + NumberText(min));
  if (has_max()) parts.push_back((max_exclusive ? "< " : "<= ") + NumberText(max));
  return Join(parts);
}

std::string ParamSpec::ChoicesText() const {
  std::vector<std::string> out;
  for (const auto& c : choices) out.push_back(c.dump());
  for (size_t i = 0; i < out.size() && i < meanings.size(); ++i) out[i] += " (" + meanings[i] + ")";
  return Join(out);
}

Json ParamSpec::ToJson() const {
  Json out = {{"name", name}, {"type", ParamTypeName(type)}, {"default", default_value},
              {"required", required}, {"doc", doc}};
  auto number = [&](double x) { return type == ParamType::kInt ? Json(static_cast<int64_t>(x)) : Json(x); };
  if (has_min()) out[min_exclusive ? "exclusiveMinimum" : "minimum"] = number(min);
  if (has_max()) out[max_exclusive ? "exclusiveMaximum" : "maximum"] = number(max);
  if (!choices.empty()) out["choices"] = choices;
  if (!meanings.empty()) out["choice_meanings"] = meanings;
  return out;
}

void BadParam(const std::string& kind, const std::string& name, const std::string& why) {
  Fail(ErrorCode::kModel, kind + ": parameter '" + name + "' " + why);
}

Json CheckParams(const std::string& kind, const std::vector<ParamSpec>& specs, const Json& given) {
  const Json params = given.is_null() ? Json::object() : given;
  if (!params.is_object()) Fail(ErrorCode::kModel, kind + ": parameters must be a table");
  std::vector<std::string> known;
  for (const auto& spec : specs) known.push_back(spec.name);
  for (auto& [key, value] : params.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      Fail(ErrorCode::kModel, kind + ": unknown parameter '" + key + "' (known: " + Join(known) + ")");
  Json out = Json::object();
  for (const auto& spec : specs) {
    if (params.contains(spec.name)) {
      out[spec.name] = CheckValue(kind, spec, params[spec.name]);
    } else if (spec.required) {
      BadParam(kind, spec.name, "is required");
    } else if (!spec.default_value.is_null()) {
      out[spec.name] = spec.default_value;
    }
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
