// outcore tune SPEC INPUT... --grid KEY=V1,V2 [--grid ...] [--random N] [--cv K] [-o BEST]
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/error.h"
#include "outcore/files.h"
#include "outcore/tune.h"

namespace outcore::cli {
namespace {

struct TuneArgs : CrossValidationArgs {
  std::string spec;
  std::vector<std::string> inputs, grid;
  std::string output, table;
  int random = 0;
  bool json = false;
};

std::string ValueText(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string DefaultTablePath(const std::string& model_path) {
  if (model_path.empty()) return "tune.csv";
  size_t slash = model_path.rfind('/');
  size_t dot = model_path.rfind('.');
  std::string stem = dot != std::string::npos && (slash == std::string::npos || dot > slash)
                         ? model_path.substr(0, dot)
                         : model_path;
  return stem + ".tune.csv";
}

void PrintTable(const TuneReport& r, const std::vector<std::string>& keys) {
  std::vector<size_t> width;
  for (const auto& k : keys) {
    size_t w = k.size();
    for (const auto& c : r.candidates) w = std::max(w, ValueText(c.params.value(k, Json())).size());
    width.push_back(w);
  }
  std::printf("%4s", "rank");
  for (size_t i = 0; i < keys.size(); ++i)
    std::printf("  %*s", static_cast<int>(width[i]), keys[i].c_str());
  std::string mean = "mean " + r.scoring;
  std::printf("  %*s  %9s  %8s\n", static_cast<int>(std::max<size_t>(mean.size(), 9)), mean.c_str(),
              "std", "fit s");
  for (const auto& c : r.candidates) {
    std::printf("%4d", c.rank);
    for (size_t i = 0; i < keys.size(); ++i)
      std::printf("  %*s", static_cast<int>(width[i]),
                  ValueText(c.params.value(keys[i], Json())).c_str());
    std::printf("  %*.6f  %9.6f  %8.3f\n", static_cast<int>(std::max<size_t>(mean.size(), 9)),
                c.mean, c.std, c.fit_seconds);
  }
}

void Run(const TuneArgs& a) {
  TuneOptions o;
  for (const auto& g : a.grid) o.spaces.push_back(ParseParamSpace(g));
  o.random = a.random;
  if (a.random < 0) Fail(ErrorCode::kUsage, "--random must be at least 1");
  o.seed = a.seed;
  a.Apply(&o.cv, &o.fit);
  o.refit = !a.output.empty();
  PipelineSpec spec = LoadSpec(a.spec);
  SniffDelimiter(&spec.read, a.inputs, a.json);
  TuneReport r = Tune(spec, a.inputs, o);

  const std::string table = a.table.empty() ? DefaultTablePath(a.output) : a.table;
  WriteFileAtomically(table, TuneTableCsv(r));
  if (o.refit) SaveModel(r.best, a.output);
  if (a.json) {
    Json j = r.ToJson();
    j["table"] = table;
    if (o.refit) j["model"] = a.output, j["fingerprint"] = r.best.fingerprint;
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  std::vector<std::string> keys;
  for (const auto& s : o.spaces) keys.push_back(s.key);
  std::printf("tune   %zu candidates x %d folds on %s rows, scored by %s (%s is better)\n",
              r.candidates.size(), r.folds, Thousands(r.rows).c_str(), r.scoring.c_str(),
              HigherIsBetter(r.scoring) ? "higher" : "lower");
  std::printf("       %s estimator fits, steps fitted %d times, %.2f s\n",
              Thousands(static_cast<int64_t>(r.candidates.size()) * r.folds).c_str(),
              r.preprocessing_fits, r.seconds);
  PrintTable(r, keys);
  std::printf("table  %s\n", table.c_str());
  if (o.refit) {
    std::string params;
    for (auto& [k, v] : r.candidates.front().params.items())
      params += (params.empty() ? "" : " ") + k + "=" + ValueText(v);
    std::printf("best   %s refitted on all %s rows -> %s\n",
                params.empty() ? "(the spec)" : params.c_str(),
                Thousands(r.refit_report.rows_train).c_str(), a.output.c_str());
  }
}

}  // namespace

void AddTuneCommand(CLI::App& app) {
  auto a = std::make_shared<TuneArgs>();
  CLI::App* cmd = app.add_subcommand(
      "tune",
      R"(Search hyper-parameters by k-fold cross-validation, every (candidate, fold) fit in
parallel. --grid KEY=V1,V2,... sets the values of one parameter: model.PARAM, or
steps.N.PARAM with N the 0-based index of a [[steps]] entry in the spec. Values are
read as numbers, true/false, or text. All combinations are tried (grid search), or
--random N of them; with --random a KEY may also be uniform(A,B), loguniform(A,B) or
randint(A,B). When only model.* parameters vary, the steps are fitted once per fold and
their features reused by every candidate.
Folds: contiguous in input order, as scikit-learn's KFold(n_splits=K, shuffle=False);
with --seed the rows are first shuffled by a documented permutation (docs/choose.md).
Prints the ranked table (mean and std of the fold scores, fit seconds), writes it as
CSV, and with -o refits the best candidate on every row and saves it as a model file,
as outcore fit --test-size 0 would.
Example: outcore tune examples/taxi_tip.toml train.csv --grid 'model.C=0.01,0.1,1,10'
         -o best.json)");
  cmd->add_option("spec", a->spec, "pipeline spec (TOML; see docs/spec.md)")->required();
  cmd->add_option("inputs", a->inputs, "training data: CSV files, directories, quoted globs or s3:// objects, prefixes and globs")
      ->required();
  cmd->add_option("--grid", a->grid,
                  "KEY=V1,V2,... (repeatable), e.g. 'model.C=0.01,0.1,1' or 'steps.5.ddof=0,1'; "
                  "without any, the spec alone is cross-validated")
      ->allow_extra_args(false);  // one KEY=VALUES per --grid: later words stay inputs
  cmd->add_option("--random", a->random, "try N random candidates instead of the whole grid");
  AddCrossValidationOptions(cmd, a.get());
  CLI::Option* seed =
      cmd->add_option("--seed", a->seed,
                      "shuffle the rows with this seed before dealing folds, and seed --random "
                      "(default: contiguous folds; random picks with seed 0)");
  cmd->add_option("-o,--output", a->output,
                  "refit the best candidate on all rows and save it to this model file");
  cmd->add_option("--table", a->table,
                  "where to write the ranked table as CSV (default: MODEL with .tune.csv for "
                  "its extension, or tune.csv)");
  AddThreadsOption(cmd, &a->threads);
  AddBadRowsOption(cmd, &a->bad_rows);
  AddMemoryLimitOption(cmd, &a->memory_limit);
  cmd->add_flag("--json", a->json,
                "print the report as JSON (scoring, folds, rows, candidates: [{rank, params, "
                "mean, std, fold_scores, fit_seconds}], seconds)");
  cmd->callback([a, seed] {
    a->seeded = seed->count() > 0;
    Run(*a);
  });
}

}  // namespace outcore::cli
