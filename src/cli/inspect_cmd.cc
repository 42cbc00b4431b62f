// outcore inspect MODEL [--json]; outcore steps
#include <cstdio>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/files.h"
#include "outcore/model.h"
#include "outcore/pipeline.h"

namespace outcore::cli {
namespace {

// A tree ensemble's state for the terminal: its trees counted, not printed (a forest holds
// millions of numbers; `inspect --json` prints them).
Json ForTerminal(Json state) {
  if (!state.is_object() || !state.contains("trees") || !state["trees"].is_array()) return state;
  int64_t nodes = 0, leaves = 0, categorical = 0;
  for (const Json& tree : state["trees"]) {
    const Json& feature = tree.contains("feature") ? tree["feature"] : Json::array();
    nodes += static_cast<int64_t>(feature.size());
    for (const Json& f : feature) leaves += f.is_number_integer() && f.get<int64_t>() < 0;
    if (tree.contains("categories"))
      for (const Json& c : tree["categories"]) categorical += c.is_object();
  }
  state["trees"] = Thousands(static_cast<int64_t>(state["trees"].size())) + " trees, " + Thousands(nodes) +
                   " nodes (" + Thousands(leaves) + " leaves" +
                   (categorical ? ", " + Thousands(categorical) + " categorical splits" : std::string()) +
                   "); inspect --json prints them";
  return state;
}

void Inspect(const std::string& path, bool json) {
  Model m = LoadModel(path);  // validates: a file that prints is a file predict accepts
  Json j = Json::parse(ReadFile(path));
  if (json) {
    j["fingerprint"] = m.fingerprint;
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  std::printf("model      %s (%s %s, outcore %s, created %s)\n", path.c_str(), Model::kFormat,
              j["format_version"].get<std::string>().c_str(), m.outcore_version.c_str(), m.created.c_str());
  std::printf("fingerprint xxh3:%s\n", m.fingerprint.c_str());
  std::printf("target     %s", m.target.expression.c_str());
  if (!m.target.classes.empty()) {
    std::string classes;
    for (size_t c = 0; c < m.target.classes.size() && c < 20; ++c)
      classes += (c ? ", " : "") + m.target.classes[c];
    if (m.target.classes.size() > 20) classes += ", ... (" + std::to_string(m.target.classes.size()) + ")";
    std::printf("  (classes %s)", classes.c_str());
  }
  std::printf("\ninput      ");
  for (int i = 0; i < m.input_schema.size(); ++i)
    std::printf("%s%s:%s", i ? ", " : "", m.input_schema.field(i).name.c_str(),
                std::string(TypeName(m.input_schema.field(i).type)).c_str());
  std::printf("\nsteps\n");
  for (size_t i = 0; i < m.pipeline.steps.size(); ++i) {
    const auto& s = m.pipeline.steps[i];
    std::printf("  %zu. %-16s %s\n", i + 1, s->kind().c_str(), s->params().dump().c_str());
    Json state = s->SaveState();
    if (!state.empty()) std::printf("     %-16s %s\n", "state", state.dump().c_str());
  }
  const Estimator& e = *m.pipeline.estimator;
  std::printf("model      %s %s\n", e.kind().c_str(), e.params().dump().c_str());
  std::printf("           %s\n", ForTerminal(e.SaveState()).dump().c_str());
  std::printf("features   ");
  for (size_t i = 0; i < m.pipeline.feature_names.size(); ++i)
    std::printf("%s%s", i ? ", " : "", m.pipeline.feature_names[i].c_str());
  std::printf("\n");
  const Json& t = m.training;
  if (t.contains("rows_train"))
    std::printf("training   %s rows read, %s rejected, %s train, %s test; data %s\n",
                Thousands(t["rows_read"]).c_str(), Thousands(t["rows_rejected"]).c_str(),
                Thousands(t["rows_train"]).c_str(), Thousands(t["rows_test"]).c_str(),
                t.value("fingerprint", "").c_str());
  if (t.contains("sources"))
    for (const auto& s : t["sources"])
      std::printf("           %s%s\n", s["path"].get<std::string>().c_str(),
                  s.contains("bytes") ? (" (" + HumanBytes(s["bytes"].get<double>()) + ")").c_str() : "");
  // A model converted from another library (outcore.from_sklearn, import-xgboost): whatever
  // its record holds, one key a line (text as is, anything else as JSON).
  if (t.contains("imported_from") && t["imported_from"].is_object()) {
    std::printf("imported   from\n");
    for (const auto& item : t["imported_from"].items()) {
      const Json& value = item.value();
      std::printf("           %-8s %s\n", item.key().c_str(),
                  value.is_string() ? value.get<std::string>().c_str() : value.dump().c_str());
    }
  }
  for (auto& [split, metrics] : m.metrics.items()) std::printf("%-10s %s\n", split.c_str(), metrics.dump().c_str());
}

// One line per declared parameter: name, default (or "required"), type, bounds, choices, doc.
void PrintParams(const std::vector<ParamSpec>& params) {
  for (const auto& p : params) {
    std::string what = ParamTypeName(p.type);
    if (!p.BoundsText().empty()) what += " " + p.BoundsText();
    if (!p.choices.empty()) what += ", one of " + p.ChoicesText();
    const std::string head = p.name + (p.required ? " (required)"
                                       : p.default_value.is_null() ? "" : " = " + p.default_value.dump());
    std::printf("      %-26s %s: %s\n", head.c_str(), what.c_str(), p.doc.c_str());
  }
}

void ListSteps(bool json) {
  if (json) {
    std::printf("%s\n", RegistryJson().dump(2).c_str());
    return;
  }
  std::printf("Steps (transformers), for [[steps]] kind = \"...\":\n");
  for (const auto& r : StepRegistry()) {
    std::printf("  %-16s %s\n", r.kind.c_str(), r.doc.c_str());
    PrintParams(r.params);
  }
  std::printf("\nModels, for [model] kind = \"...\":\n");
  for (const auto& r : EstimatorRegistry()) {
    std::printf("  %-20s %s\n", r.kind.c_str(), r.doc.c_str());
    PrintParams(r.params);
  }
}

}  // namespace

void AddInspectCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Validate a model file and show what it holds: input schema, read options, target,\n"
                 "each step's parameters and fitted state, the estimator (a tree model's trees counted,\n"
                 "not printed: --json prints them), training record, metrics.");
  cmd->add_option("model", *path, "model file written by outcore fit")->required();
  cmd->add_flag("--json", *json, "print the whole model as JSON (plus its fingerprint)");
  cmd->callback([path, json] { Inspect(*path, *json); });
}

void AddStepsCommand(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("steps", "List the step and model kinds a pipeline spec can use, with\n"
                                              "each one's parameters: name, default, type, bounds, doc.");
  cmd->add_flag("--json", *json,
                "print them as JSON: {steps, estimators}, each kind with its parameters' name, type, "
                "default, required, bounds (minimum, exclusiveMinimum, maximum), choices and doc");
  cmd->callback([json] { ListSteps(*json); });
}

}  // namespace outcore::cli
