#pragma once
/// The parameters of a step or estimator kind, declared once as data: name, type, default (or
/// required), bounds or choices and a one-line doc. Validation (`CheckParams`), `outcore steps`
/// (text and --json) and the Python classes' signatures all read this one declaration.
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace outcore {

using Json = nlohmann::json;

enum class ParamType {
  kFloat,            // a finite number
  kInt,              // a whole number (100.0 is read as 100)
  kBool,             // true or false
  kString,           // a string
  kStringList,       // a list of strings (one string is read as a list of one)
  kStringListTable,  // a table of name = [strings]
  kStringTable,      // a table of name = "string"
  kNumberOrString,   // a finite number or a string
  kBoolOrString,     // true, false or a string (choices, if any, apply to the string)
  kStringOrNumberTable,  // a string (choices apply) or a table of name = number (bounds apply)
};

/// "float", "int", "bool", "string", "string list", "table of string lists", "table of strings",
/// "number or string", "bool or string", "string or table of numbers".
const char* ParamTypeName(ParamType type);

/// One parameter. Built in the style of XGBoost's DMLC_DECLARE_FIELD:
///   ParamSpec::Float("C").Default(1.0).Above(0).Doc("inverse of the L2 penalty's strength")
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  Json default_value;     // null: no default (the parameter is optional or required)
  bool required = false;  // no default, and it must be given
  // Bounds of a number (kFloat, kInt); a bound is exclusive where its flag says so.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false, max_exclusive = false;
  std::vector<Json> choices;  // kString, kStringList (each entry), kInt: the allowed values
  std::vector<std::string> meanings;  // optional: what each choice means, e.g. "scikit-learn"
  std::string doc;

  static ParamSpec Float(std::string name) { return Of(std::move(name), ParamType::kFloat); }
  static ParamSpec Int(std::string name) { return Of(std::move(name), ParamType::kInt); }
  static ParamSpec Bool(std::string name) { return Of(std::move(name), ParamType::kBool); }
  static ParamSpec String(std::string name) { return Of(std::move(name), ParamType::kString); }
  static ParamSpec StringList(std::string name) { return Of(std::move(name), ParamType::kStringList); }
  static ParamSpec StringListTable(std::string name) { return Of(std::move(name), ParamType::kStringListTable); }
  static ParamSpec StringTable(std::string name) { return Of(std::move(name), ParamType::kStringTable); }
  static ParamSpec NumberOrString(std::string name) { return Of(std::move(name), ParamType::kNumberOrString); }
  static ParamSpec BoolOrString(std::string name) { return Of(std::move(name), ParamType::kBoolOrString); }
  static ParamSpec StringOrNumberTable(std::string name) {
    return Of(std::move(name), ParamType::kStringOrNumberTable);
  }

  ParamSpec& Default(Json value) { default_value = std::move(value); return *this; }
  ParamSpec& Required() { required = true; return *this; }
  ParamSpec& AtLeast(double bound) { min = bound, min_exclusive = false; return *this; }
  ParamSpec& Above(double bound) { min = bound, min_exclusive = true; return *this; }
  ParamSpec& AtMost(double bound) { max = bound, max_exclusive = false; return *this; }
  ParamSpec& OneOf(std::vector<Json> values, std::vector<std::string> what_each_means = {}) {
    choices = std::move(values), meanings = std::move(what_each_means);
    return *this;
  }
  ParamSpec& Doc(std::string text) { doc = std::move(text); return *this; }

  bool has_min() const { return min > -std::numeric_limits<double>::infinity(); }
  bool has_max() const { return max < std::numeric_limits<double>::infinity(); }
  /// The bounds as "> 0", ">= 2, <= 1000000000" ("" without bounds).
  std::string BoundsText() const;
  /// The choices as "ignore", "error" or `0 (scikit-learn), 1 (pandas .std())` ("" without).
  std::string ChoicesText() const;
  /// The declaration as JSON: name, type, default (null: none), required, doc, and where
  /// declared minimum / exclusiveMinimum / maximum (JSON Schema's words), choices and
  /// choice_meanings.
  Json ToJson() const;

 private:
  static ParamSpec Of(std::string name, ParamType type) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = type;
    return p;
  }
};

/// Checks `given` (an object; null reads as {}) against the declaration of `kind`: refuses an
/// unknown name, a missing required one, a value of the wrong type, out of bounds or not among
/// the choices, each a kModel error "KIND: parameter 'NAME' ..." (an unknown name lists the
/// known ones). Returns the parameters with every declared default filled in and values
/// normalised (a whole number for kInt, a list for kStringList); an optional parameter without
/// a default that was not given stays absent.
Json CheckParams(const std::string& kind, const std::vector<ParamSpec>& specs, const Json& given);

/// A kModel error "KIND: parameter 'NAME' WHY", for the checks a declaration cannot express
/// (e.g. fill_value is required with strategy = "constant").
[[noreturn]] void BadParam(const std::string& kind, const std::string& name, const std::string& why);

}  // namespace outcore
