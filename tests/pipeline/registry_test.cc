// The registry's contract, for every registered kind, from its declared parameters alone: the
// declared defaults build the object and are the object's own; every parameter that is unknown,
// missing while required, of the wrong type, out of bounds or not among its choices is refused
// with an error naming the kind and the parameter; in-bound values and every choice are taken.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "outcore/error.h"
#include "outcore/pipeline.h"

namespace outcore {
namespace {

// A valid value of a parameter that has no default (or any parameter): one per type.
Json Example(const ParamSpec& p) {
  if (!p.choices.empty()) return p.type == ParamType::kStringList ? Json::array({p.choices[0]}) : p.choices[0];
  switch (p.type) {
    case ParamType::kFloat: return p.has_min() ? p.min + 1 : 1.0;
    case ParamType::kInt: return p.has_min() ? static_cast<int64_t>(p.min) + 1 : 1;
    case ParamType::kBool: return true;
    case ParamType::kString: return "x";
    case ParamType::kStringList: return Json::array({"x"});
    case ParamType::kStringListTable: return Json{{"x", {"a", "b"}}};
    case ParamType::kStringTable: return Json{{"x", "1"}};
    case ParamType::kNumberOrString: return p.has_min() ? Json(p.min + 1) : Json(0);
    case ParamType::kBoolOrString: return true;
    case ParamType::kStringOrNumberTable: return Json{{"x", p.has_min() ? p.min + 1 : 1.0}};
  }
  return nullptr;
}

// Only the required parameters, each with an example value.
Json RequiredOnly(const std::vector<ParamSpec>& specs) {
  Json out = Json::object();
  for (const auto& p : specs)
    if (p.required) out[p.name] = Example(p);
  return out;
}

// Every parameter: the required ones and those without a default get an example, the others
// their default. (Valid for every kind: imputer's fill_value is there for strategy "constant".)
Json Everything(const std::vector<ParamSpec>& specs) {
  Json out = Json::object();
  for (const auto& p : specs) out[p.name] = p.default_value.is_null() ? Example(p) : p.default_value;
  return out;
}

// A value of the wrong type for `p`.
Json WrongType(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::kFloat:
    case ParamType::kInt: return "1";
    case ParamType::kBool: return 1;
    case ParamType::kString: return 1;
    case ParamType::kStringList: return Json::array({1});
    case ParamType::kStringListTable: return 1;
    case ParamType::kStringTable: return 1;
    case ParamType::kNumberOrString: return true;
    case ParamType::kBoolOrString: return 1;
    case ParamType::kStringOrNumberTable: return Json::array({1});
  }
  return nullptr;
}

// Values out of bounds or not among the choices.
std::vector<Json> OutOfBounds(const ParamSpec& p) {
  std::vector<Json> out;
  // A table's bounds apply to its entries.
  auto value = [&](double x) { return p.type == ParamType::kStringOrNumberTable ? Json{{"x", x}} : Json(x); };
  if (p.has_min()) out.push_back(value(p.min_exclusive ? p.min : p.min - 1));
  if (p.has_max()) out.push_back(value(p.max_exclusive ? p.max : p.max + 1));
  if (p.type == ParamType::kStringOrNumberTable) out.push_back(Json{{"x", "1"}});
  if (p.type == ParamType::kFloat) out.push_back(std::nan(""));
  if (p.type == ParamType::kInt) out.push_back((p.has_min() ? p.min : 0) + 1.5);  // not whole
  if (!p.choices.empty()) {
    if (p.type == ParamType::kInt) out.push_back(p.choices.back().get<int64_t>() + 1);
    else if (p.type == ParamType::kString || p.type == ParamType::kBoolOrString ||
             p.type == ParamType::kStringOrNumberTable)
      out.push_back("no_such_choice");
    else out.push_back(Json::array({p.choices[0], "no_such_choice"}));
  }
  return out;
}

// Values at the bounds that must be taken: an inclusive bound itself, just inside an exclusive one.
std::vector<Json> InBounds(const ParamSpec& p) {
  std::vector<Json> out;
  // A table's bounds apply to its entries.
  auto value = [&](double x) { return p.type == ParamType::kStringOrNumberTable ? Json{{"x", x}} : Json(x); };
  if (p.has_min()) out.push_back(value(p.min_exclusive ? p.min + 1e-9 : p.min));
  if (p.has_max()) out.push_back(value(p.max_exclusive ? p.max - 1e-9 : p.max));
  for (const auto& c : p.choices) out.push_back(p.type == ParamType::kStringList ? Json::array({c}) : c);
  return out;
}

// Runs `check(kind, specs, make)` over every registered step and estimator kind.
template <typename Check>
void ForEachKind(Check check) {
  for (const auto& r : StepRegistry())
    check(r.kind, r.params, [&](const Json& p) { return r.make(p)->params(); });
  for (const auto& r : EstimatorRegistry())
    check(r.kind, r.params, [&](const Json& p) { return r.make(p)->params(); });
}

// The message of the kModel error `fn` throws ("" and a test failure if none).
template <typename Fn>
std::string ModelError(Fn fn, const std::string& what) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModel) << what << ": " << e.what();
    return e.what();
  }
  ADD_FAILURE() << what << ": was taken";
  return "";
}

using Make = std::function<Json(const Json&)>;

TEST(Registry, EveryKindDeclaresItsParameters) {
  std::set<std::string> kinds;
  ForEachKind([&](const std::string& kind, const std::vector<ParamSpec>& specs, const Make&) {
    EXPECT_TRUE(kinds.insert(kind).second) << kind << " is registered twice";
    std::set<std::string> names;
    for (const auto& p : specs) {
      EXPECT_TRUE(names.insert(p.name).second) << kind << "." << p.name << " is declared twice";
      EXPECT_FALSE(p.doc.empty()) << kind << "." << p.name << " has no doc";
      EXPECT_FALSE(p.required && !p.default_value.is_null()) << kind << "." << p.name << ": required with a default";
      // A default must itself pass the declaration.
      if (!p.default_value.is_null())
        EXPECT_NO_THROW(CheckParams(kind, {p}, Json{{p.name, p.default_value}})) << kind << "." << p.name;
    }
  });
  EXPECT_GE(kinds.size(), 12u);
}

TEST(Registry, DeclaredDefaultsBuildTheObjectAndAreItsOwn) {
  ForEachKind([](const std::string& kind, const std::vector<ParamSpec>& specs, const Make& make) {
    Json made;
    ASSERT_NO_THROW(made = make(RequiredOnly(specs))) << kind;
    for (const auto& p : specs) {
      if (p.default_value.is_null() || !made.contains(p.name)) continue;
      EXPECT_EQ(made[p.name], p.default_value) << kind << "." << p.name << ": the object's params() differ";
      // What params() gives is what the model file stores: an int parameter stays an integer.
      if (p.type == ParamType::kInt)
        EXPECT_TRUE(made[p.name].is_number_integer()) << kind << "." << p.name << " is saved as " << made[p.name];
    }
    EXPECT_NO_THROW(make(Everything(specs))) << kind;
  });
}

TEST(Registry, UnknownMissingWrongTypeAndOutOfBoundsAreRefusedByName) {
  ForEachKind([](const std::string& kind, const std::vector<ParamSpec>& specs, const Make& make) {
    const Json base = Everything(specs);
    {
      Json p = base;
      p["no_such_parameter"] = 1;
      std::string message = ModelError([&] { make(p); }, kind + " unknown");
      EXPECT_NE(message.find(kind + ": unknown parameter 'no_such_parameter' (known: "), std::string::npos) << message;
      for (const auto& spec : specs) EXPECT_NE(message.find(spec.name), std::string::npos) << message;
    }
    EXPECT_NE(ModelError([&] { make(Json::array()); }, kind + " array").find(kind + ": parameters must be a table"),
              std::string::npos);
    for (const auto& spec : specs) {
      const std::string named = kind + ": parameter '" + spec.name + "' ";
      const std::string what = kind + "." + spec.name;
      if (spec.required) {
        Json p = base;
        p.erase(spec.name);
        EXPECT_NE(ModelError([&] { make(p); }, what + " missing").find(named + "is required"), std::string::npos);
      }
      Json wrong = base;
      wrong[spec.name] = WrongType(spec);
      std::string message = ModelError([&] { make(wrong); }, what + " = " + wrong[spec.name].dump());
      EXPECT_NE(message.find(named + "must be"), std::string::npos) << message;
      for (const Json& v : OutOfBounds(spec)) {
        Json p = base;
        p[spec.name] = v;
        message = ModelError([&] { make(p); }, what + " = " + v.dump());
        EXPECT_NE(message.find(named), std::string::npos) << message;
      }
      for (const Json& v : InBounds(spec)) {
        Json p = base;
        p[spec.name] = v;
        EXPECT_NO_THROW(make(p)) << what << " = " << v.dump();
      }
    }
  });
}

TEST(Registry, CheckParamsFillsDefaultsAndNormalises) {
  const std::vector<ParamSpec> specs = {
      ParamSpec::StringList("columns").Required().Doc("d"), ParamSpec::Int("n").Default(3).AtLeast(1).Doc("d"),
      ParamSpec::Float("x").Default(0.5).Above(0).AtMost(1).Doc("d"), ParamSpec::String("s").Doc("d")};
  EXPECT_EQ(CheckParams("k", specs, Json{{"columns", "a"}}), (Json{{"columns", {"a"}}, {"n", 3}, {"x", 0.5}}));
  const Json whole = CheckParams("k", specs, Json{{"columns", {"a"}}, {"n", 4.0}});
  EXPECT_TRUE(whole["n"].is_number_integer()) << whole;
  EXPECT_EQ(whole["n"], 4);
  EXPECT_NE(ModelError([&] { CheckParams("k", specs, Json{{"columns", {"a"}}, {"x", 1.5}}); }, "x")
                .find("k: parameter 'x' must be a finite number > 0, <= 1, got 1.5"),
            std::string::npos);
  EXPECT_NE(ModelError([&] { CheckParams("k", specs, Json{{"columns", {"a"}}, {"n", 0}}); }, "n")
                .find("k: parameter 'n' must be a whole number of at least 1, got 0"),
            std::string::npos);
  EXPECT_EQ(specs[2].BoundsText(), "> 0, <= 1");
  const Json j = specs[1].ToJson();
  EXPECT_EQ(j, (Json{{"name", "n"}, {"type", "int"}, {"default", 3}, {"required", false}, {"doc", "d"}, {"minimum", 1}}));
}

TEST(Registry, JsonListsEveryKindWithItsParameters) {
  const Json j = RegistryJson();
  ASSERT_EQ(j["steps"].size(), StepRegistry().size());
  ASSERT_EQ(j["estimators"].size(), EstimatorRegistry().size());
  for (size_t i = 0; i < StepRegistry().size(); ++i) {
    EXPECT_EQ(j["steps"][i]["kind"], StepRegistry()[i].kind);
    EXPECT_EQ(j["steps"][i]["parameters"].size(), StepRegistry()[i].params.size());
  }
  for (const auto& e : j["estimators"]) EXPECT_TRUE(e["classifier"].is_boolean()) << e;
  EXPECT_TRUE(j["estimators"][0]["classifier"].get<bool>());  // logistic_regression
}

}  // namespace
}  // namespace outcore
