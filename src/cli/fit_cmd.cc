// outcore fit SPEC TRAIN... -o MODEL
#include <cstdio>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/fit.h"
#include "outcore/postgres.h"

namespace outcore::cli {
namespace {

struct FitArgs {
  std::string memory_limit;  // --memory-limit, "" = the default
  std::string spec;
  std::vector<std::string> inputs;
  std::string output;
  double test_size = 0.25;
  uint64_t seed = 0;
  int threads = 0;
  bool json = false, quiet = false;
  std::string bad_rows = "stop";
};

std::string Scores(const Json& m) {
  char buf[320];
  if (m.contains("accuracy")) {
    // A classifier's accuracy beside what always answering the majority class scores.
    char auc[32] = "";
    if (m.contains("roc_auc")) std::snprintf(auc, sizeof auc, "  roc_auc %.6f", m["roc_auc"].get<double>());
    std::snprintf(buf, sizeof buf, "accuracy %.6f (majority class '%s': %.6f)  log_loss %.6f%s  (%s rows)",
                  m["accuracy"].get<double>(), m.value("majority_class", std::string("?")).c_str(),
                  m.value("majority_accuracy", 0.0), m["log_loss"].get<double>(), auc,
                  Thousands(m["rows"].get<int64_t>()).c_str());
  } else if (m.contains("rmse")) {
    std::snprintf(buf, sizeof buf, "rmse %.6g  mae %.6g  r2 %.6f  (%s rows)", m["rmse"].get<double>(),
                  m["mae"].get<double>(), m["r2"].get<double>(), Thousands(m["rows"].get<int64_t>()).c_str());
  } else {
    return "no rows";
  }
  return buf;
}

void Run(const FitArgs& a) {
  FitOptions options;
  options.test_size = a.test_size;
  options.seed = a.seed;
  options.threads = a.threads;
  options.memory_limit = ParseMemoryLimit(a.memory_limit);
  ParseBadRows(a.bad_rows, &options.on_bad_rows, &options.reject_path);
  PipelineSpec spec = LoadSpec(a.spec);
  SniffDelimiter(&spec.read, a.inputs, a.quiet);
  FitReport report;
  Model model = FitModel(spec, a.inputs, options, &report);
  SaveModel(model, a.output);
  if (a.json) {
    Json j = report.ToJson();
    j["model"] = a.output;
    j["fingerprint"] = model.fingerprint;
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  if (a.quiet) return;
  std::string from = std::to_string(report.files) +
                     (IsPostgresUri(a.inputs[0]) ? " PostgreSQL input(s)"
                                                 : " file(s), " + HumanBytes(report.bytes));
  std::printf("read   %s rows (%s rejected) from %s   %.2f s\n", Thousands(report.rows_read).c_str(),
              Thousands(report.rows_rejected).c_str(), from.c_str(), report.seconds_read);
  if (report.rows_missing_target)
    std::printf("       %s rows without a target were left out\n", Thousands(report.rows_missing_target).c_str());
  const Json& info = report.fit_info;
  std::string how = model.pipeline.estimator->kind();
  if (info.contains("iterations")) {
    how += ", " + info["iterations"].dump() + " iterations";
    // Solvers say whether they converged; boosting whether early stopping ended it.
    if (info.contains("converged"))
      how += info["converged"] == true ? ", converged" : ", NOT converged (raise max_iter)";
    if (info.value("stopped_early", false)) how += ", stopped early (no gain on the held-out rows)";
  }
  std::printf("fit    %s rows, %zu features, %s   %.2f s\n", Thousands(report.rows_train).c_str(),
              model.pipeline.feature_names.size(), how.c_str(), report.seconds_fit);
  std::printf("train  %s\n", Scores(report.train_metrics).c_str());
  if (report.rows_test) std::printf("test   %s\n", Scores(report.test_metrics).c_str());
  for (const auto& [key, n] : report.drift.counters)
    std::printf("note   %s: %s values\n", key.c_str(), Thousands(n).c_str());
  std::printf("saved  %s   (score %.2f s, total %.2f s)\n", a.output.c_str(), report.seconds_score,
              report.seconds_total);
}

}  // namespace

void AddFitCommand(CLI::App& app) {
  auto args = std::make_shared<FitArgs>();
  CLI::App* cmd = app.add_subcommand(
      "fit",
      R"(Fit a pipeline spec on training data and save the model file.
Reads the inputs with the spec's [read] options (only the columns the steps need), holds
out --test-size of the rows, fits each step then the model on the rest, prints train and
test scores (a classifier's accuracy beside ROC AUC and the accuracy of always answering the
majority class), and writes one JSON model file that records the fitted pipeline and what it
was trained on (schema, read options, categories, statistics, rows, data fingerprint).
Example: outcore fit examples/taxi_tip.toml data/taxi.csv -o model.json)");
  cmd->add_option("spec", args->spec, "pipeline spec (TOML; see docs/spec.md)")->required();
  cmd->add_option("train", args->inputs, "training data: CSV (plain, gzip or zstd) or Parquet files, directories, quoted globs, s3://bucket/key objects, prefixes or globs (docs/s3.md), or a postgresql:// URI (docs/postgres.md)")->required();
  cmd->add_option("-o,--output", args->output, "model file to write (JSON)")->required();
  cmd->add_option("--test-size", args->test_size,
                  "fraction of rows held out for test scores, in [0, 1); 0 fits on all rows")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed choosing the held-out rows")->capture_default_str();
  AddThreadsOption(cmd, &args->threads, "threads for reading and fitting (0 = all cores)");
  AddBadRowsOption(cmd, &args->bad_rows);
  AddMemoryLimitOption(cmd, &args->memory_limit);
  cmd->add_flag("-q,--quiet", args->quiet, "print nothing unless there is an error");
  cmd->add_flag("--json", args->json,
                "print the report as one JSON object on stdout (keys: rows.read, train.accuracy, "
                "train.log_loss, train.roc_auc, train.majority_accuracy, test.accuracy, seconds.read, ...)");
  cmd->callback([args] { Run(*args); });
}

}  // namespace outcore::cli
