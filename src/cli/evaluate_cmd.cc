// outcore evaluate MODEL INPUT... [--json]
#include <cmath>
#include <cstdio>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/error.h"
#include "outcore/evaluate.h"

namespace outcore::cli {
namespace {

struct EvaluateArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string split_size = "64MB", bad_rows = "stop";
  int threads = 0;
  int auc_bins = BinnedRocAuc::kDefaultBins;
  bool json = false;
};

double Get(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

void PrintClassifier(const Json& m, const Model& model) {
  std::printf("accuracy   %.6f\n", Get(m, "accuracy"));
  std::printf("precision  %.6f   (of rows predicted %s)\n", Get(m, "precision"),
              model.target.classes[1].c_str());
  std::printf("recall     %.6f   (of rows that are %s)\n", Get(m, "recall"),
              model.target.classes[1].c_str());
  std::printf("f1         %.6f\n", Get(m, "f1"));
  std::printf("log_loss   %.6f\n", Get(m, "log_loss"));
  std::printf("roc_auc    %.6f   (within %.2g of the exact value: %d score bins)\n",
              Get(m, "roc_auc"), Get(m, "roc_auc_error_bound"), m.value("auc_bins", 0));
  const Json& c = m["confusion_matrix"];
  const std::string& neg = model.target.classes[0];
  const std::string& pos = model.target.classes[1];
  int w = static_cast<int>(std::max<size_t>({neg.size(), pos.size(), 14}));
  std::printf("confusion matrix (rows: actual, columns: predicted at P > 0.5)\n");
  std::printf("  %*s  %*s  %*s\n", w, "", w, neg.c_str(), w, pos.c_str());
  std::printf("  %*s  %*s  %*s\n", w, neg.c_str(), w, Thousands(c[0][0]).c_str(), w,
              Thousands(c[0][1]).c_str());
  std::printf("  %*s  %*s  %*s\n", w, pos.c_str(), w, Thousands(c[1][0]).c_str(), w,
              Thousands(c[1][1]).c_str());
}

void PrintMulticlass(const Json& m, const Model& model) {
  std::printf("accuracy     %.6f\n", Get(m, "accuracy"));
  std::printf("f1_macro     %.6f\n", Get(m, "f1_macro"));
  std::printf("f1_weighted  %.6f\n", Get(m, "f1_weighted"));
  std::printf("log_loss     %.6f\n", Get(m, "log_loss"));
  std::printf("roc_auc      %.6f   (one-vs-rest, macro; within %.2g: %d score bins per class)\n",
              Get(m, "roc_auc"), Get(m, "roc_auc_error_bound"), m.value("auc_bins", 0));
  const auto& classes = model.target.classes;
  if (classes.size() > 20) return;  // too wide to read: --json has it
  size_t w = 8;
  for (const auto& c : classes) w = std::max(w, c.size());
  std::printf("confusion matrix (rows: actual, columns: predicted, the most probable class)\n");
  std::printf("  %*s", static_cast<int>(w), "");
  for (const auto& c : classes) std::printf("  %*s", static_cast<int>(w), c.c_str());
  std::printf("\n");
  const Json& matrix = m["confusion_matrix"];
  for (size_t a = 0; a < classes.size(); ++a) {
    std::printf("  %*s", static_cast<int>(w), classes[a].c_str());
    for (size_t p = 0; p < classes.size(); ++p)
      std::printf("  %*s", static_cast<int>(w), Thousands(matrix[a][p].get<int64_t>()).c_str());
    std::printf("\n");
  }
}

void Run(const EvaluateArgs& a) {
  EvaluateOptions o;
  o.threads = a.threads;
  o.split_size = ParseSize(a.split_size, "--split-size");
  o.auc_bins = a.auc_bins;
  ParseBadRows(a.bad_rows, &o.on_bad_rows, &o.reject_path);
  Model model = LoadModel(a.model);
  EvaluateReport r = Evaluate(model, a.inputs, o);
  Json j = r.ToJson(model);
  if (a.json) {
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  const EvaluateCounts& n = r.counts;
  std::printf("model      %s (%s, target %s)\n", a.model.c_str(),
              model.pipeline.estimator->kind().c_str(), model.target.expression.c_str());
  std::printf("rows       %s scored of %s read from %lld file(s) in %.2f s\n",
              Thousands(j.value("rows", int64_t{0})).c_str(), Thousands(n.rows_in).c_str(),
              static_cast<long long>(r.files), r.seconds);
  if (n.rows_rejected)
    std::printf("           %s rows could not be read\n", Thousands(n.rows_rejected).c_str());
  if (n.rows_missing_target)
    std::printf("           %s rows without a target were not scored\n",
                Thousands(n.rows_missing_target).c_str());
  if (n.rows_missing_features)
    std::printf(
        "           %s rows with a missing feature value were not scored (add an imputer "
        "step)\n",
        Thousands(n.rows_missing_features).c_str());
  if (j.value("rows", int64_t{0}) == 0) {
    std::printf("no rows to score\n");
    return;
  }
  if (model.pipeline.estimator->n_outputs() > 1) {
    PrintMulticlass(j, model);
  } else if (model.pipeline.estimator->is_classifier()) {
    PrintClassifier(j, model);
  } else {
    std::printf("rmse       %.6g\nmae        %.6g\nr2         %.6f\n", Get(j, "rmse"),
                Get(j, "mae"), Get(j, "r2"));
  }
}

}  // namespace

void AddEvaluateCommand(CLI::App& app) {
  auto a = std::make_shared<EvaluateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "evaluate",
      R"(Score a model on labelled data of any size, streaming, on all cores.
Inputs are read with the model's read options (its input columns plus its target) and
checked against it first. Classifiers: accuracy, precision, recall, F1 (the positive
class is the model's second class; a row is predicted positive when P > 0.5), log loss,
ROC AUC and the confusion matrix. More than two classes: accuracy, macro and weighted F1,
log loss, one-vs-rest ROC AUC (macro) and the k x k confusion matrix (the predicted class
is the most probable). Regressors: RMSE, MAE and R^2.
ROC AUC out of core: scores are counted in --auc-bins equal-width bins over [0, 1] per
class; pairs in different bins are ordered exactly and pairs sharing a bin count half,
so the error is at most sum_b(pos_b * neg_b) / (2 P N), reported as roc_auc_error_bound.
Example: outcore evaluate model.json data/test.csv --json)");
  cmd->add_option("model", a->model, "model file written by outcore fit or tune")->required();
  cmd->add_option("inputs", a->inputs, "labelled data: CSV files, directories, quoted globs or s3:// objects, prefixes and globs")
      ->required();
  cmd->add_flag("--json", a->json,
                "print the metrics as one JSON object (keys: rows, accuracy, precision, recall, "
                "f1, log_loss, roc_auc, roc_auc_error_bound, confusion_matrix [[tn, fp], [fn, "
                "tp]], positive_rate; or rmse, mae, r2; and rows_in, rows_rejected, "
                "rows_missing_target, rows_missing_features, seconds)");
  AddThreadsOption(cmd, &a->threads);
  cmd->add_option("--split-size", a->split_size, "input bytes per split, e.g. 64MB")
      ->capture_default_str();
  cmd->add_option("--auc-bins", a->auc_bins,
                  "score bins per class for ROC AUC (memory: 16 bytes per bin per thread)")
      ->capture_default_str();
  AddBadRowsOption(cmd, &a->bad_rows);
  cmd->callback([a] { Run(*a); });
}

}  // namespace outcore::cli
