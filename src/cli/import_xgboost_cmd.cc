// outcore import-xgboost MODEL.json --spec SPEC --data SAMPLE... -o MODEL
#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/error.h"
#include "outcore/files.h"
#include "outcore/fit.h"
#include "outcore/import_xgboost.h"

namespace outcore::cli {
namespace {

struct ImportArgs {
  std::string xgboost_model;
  std::string spec;
  std::vector<std::string> data;
  std::string output;
  std::string rounds = "all";
  int threads = 0;
  bool quiet = false;
};

// --rounds: "all", "best" (learner.attributes.best_iteration + 1) or a count N: the rounds
// [0, end) to keep; 0 for all.
int64_t RoundsEnd(const std::string& rounds, const Json& summary, const std::string& file) {
  if (rounds == "all") return 0;
  if (rounds == "best") {
    if (summary["best_iteration"].is_null())
      Fail(ErrorCode::kUsage, "--rounds best: " + file + " records no best_iteration (the booster was not trained with "
                                                         "early stopping); --rounds all or a number of rounds");
    return summary["best_iteration"].get<int64_t>() + 1;
  }
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(rounds, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != rounds.size() || rounds.empty() || n < 1)
    Fail(ErrorCode::kUsage, "--rounds is \"" + rounds + "\": all, best, or a number of rounds from 1");
  return n;
}

std::string Joined(const Json& names) {
  std::string s;
  for (const Json& n : names) s += (s.empty() ? "" : ", ") + n.get<std::string>();
  return s;
}

void Run(const ImportArgs& a) {
  const std::string text = ReadFile(a.xgboost_model);
  // Converted first: a model outcore cannot convert is refused before any data is read.
  const XGBoostImport booster(text, a.xgboost_model);
  const Json summary = booster.Summary();
  const std::string kind = summary["estimator_kind"];
  const int64_t rounds_end = RoundsEnd(a.rounds, summary, a.xgboost_model);
  if (a.rounds == "all" && !summary["best_iteration"].is_null() && !a.quiet) {
    const int64_t best = summary["best_iteration"].get<int64_t>(), all = summary["num_rounds"].get<int64_t>();
    if (best + 1 < all)
      std::fprintf(stderr,
                   "note: %s records best_iteration %lld (early stopping): XGBClassifier/XGBRegressor.predict use "
                   "its first %lld rounds, Booster.predict all %lld; importing all %lld (--rounds best for the "
                   "first %lld)\n",
                   a.xgboost_model.c_str(), static_cast<long long>(best), static_cast<long long>(best + 1),
                   static_cast<long long>(all), static_cast<long long>(all), static_cast<long long>(best + 1));
  }
  PipelineSpec spec = LoadXGBoostSpec(a.spec, kind == "tree_ensemble_classifier");
  SniffDelimiter(&spec.read, a.data, a.quiet);
  FitOptions options;
  options.threads = a.threads;
  FitReport report;
  TrainingData data = ReadTrainingData(spec, a.data, options, &report);
  Model model = booster.Import(spec, std::move(data), 0, rounds_end);
  SaveModel(model, a.output);
  if (a.quiet) return;
  const Json& from = model.training["imported_from"];
  std::printf("read   %s, xgboost %s, %s: %s trees (rounds 0 to %lld of %s), %s features\n", a.xgboost_model.c_str(),
              from["version"].get<std::string>().c_str(), from["objective"].get<std::string>().c_str(),
              Thousands(from["num_trees"].get<int64_t>()).c_str(),
              static_cast<long long>(from["rounds"][1].get<int64_t>() - 1),
              Thousands(from["num_rounds"].get<int64_t>()).c_str(), Thousands(from["num_features"].get<int64_t>()).c_str());
  std::printf("sample %s rows from %zu file(s); features %s\n", Thousands(report.rows_read).c_str(), report.files ? static_cast<size_t>(report.files) : a.data.size(),
              Joined(Json(model.pipeline.feature_names)).c_str());
  std::printf("saved  %s (%s, target %s)\n", a.output.c_str(), kind.c_str(), model.target.expression.c_str());
}

}  // namespace

void AddImportXGBoostCommand(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import-xgboost",
      R"(Turn an XGBoost model saved as JSON into an outcore model file that predicts what the
booster predicts (thresholds compared in float32, missing values sent to each node's
default side; docs/import.md).
Converts gbtree boosters with objective binary:logistic, multi:softprob or reg:squarederror;
categorical splits (enable_categorical: a feature's values are category codes 0, 1, ...;
an `ordinal` step after a `categories` step in pandas' order makes them from text);
refuses dart, gblinear and other objectives, naming the JSON path.
The spec gives the read options, the target and the steps, and has no [model]: the
model is MODEL.json's trees (a tree_ensemble_classifier for binary:logistic and
multi:softprob, a tree_ensemble_regressor for reg:squarederror), e.g.
  target = "label"
  [read]
  dtype = { x0 = "float", x1 = "float" }
  [[steps]]
  kind = "select"
  columns = ["x0", "x1"]
The sample (--data) is read as `outcore fit` reads: it fixes the input columns and their
types, the target's classes (class i is XGBoost's label i: the sample must hold every
class) and fits the spec's steps, if any; nothing else is learned from it. The steps must
make the booster's features: its feature_names in order, or as many when it has none.
A booster trained with early stopping records best_iteration: XGBClassifier.predict
scores its first best_iteration + 1 rounds, Booster.predict all of them; --rounds picks
(all by default, with a note when the file records best_iteration).
The model file's training record says where the trees came from (`outcore inspect`).
Example:
  python3 -c 'booster.save_model("xgb.json")'
  outcore import-xgboost xgb.json --spec spec.toml --data sample.csv -o model.json
  outcore predict model.json big/ -o scores/)");
  cmd->add_option("xgboost_model", args->xgboost_model,
                  "the XGBoost model, as booster.save_model(\"NAME.json\") or save_raw(\"json\") writes it")
      ->required();
  cmd->add_option("--spec", args->spec, "pipeline spec (TOML; docs/spec.md): [read], target, [[steps]]; no [model]")
      ->required();
  cmd->add_option("--data", args->data,
                  "sample rows with the input columns and the target: CSV or Parquet files, directories or "
                  "globs (as `outcore fit` takes)")
      ->required();
  cmd->add_option("-o,--output", args->output, "model file to write (JSON)")->required();
  cmd->add_option("--rounds", args->rounds,
                  "the boosting rounds to import: all (as Booster.predict scores), best (the first best_iteration + "
                  "1, as XGBClassifier/XGBRegressor.predict score a booster trained with early stopping), or N (the "
                  "first N, as predict(iteration_range=(0, N)))")
      ->capture_default_str();
  AddThreadsOption(cmd, &args->threads, "threads for reading the sample (0 = all cores)");
  cmd->add_flag("-q,--quiet", args->quiet, "print nothing unless there is an error");
  cmd->callback([args] { Run(*args); });
}

}  // namespace outcore::cli
