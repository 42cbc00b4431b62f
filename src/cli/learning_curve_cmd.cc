// outcore learning-curve SPEC INPUT... [--sizes 1000,10000,...] [--cv 5] [--seed S] -o curve.svg
#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/error.h"
#include "outcore/files.h"
#include "outcore/tune.h"

namespace outcore::cli {
namespace {

struct CurveArgs : CrossValidationArgs {
  std::string spec, output, sizes;
  std::vector<std::string> inputs;
  bool json = false;
};

std::vector<int64_t> ParseSizes(const std::string& text) {
  std::vector<int64_t> sizes;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    size_t used = 0;
    double v = -1;
    try {
      v = std::stod(item, &used);  // also 1e4
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != item.size() || v < 1 || v != std::floor(v))
      Fail(ErrorCode::kUsage, "--sizes: '" + item +
                                  "' is not a row count (expected e.g. "
                                  "--sizes 1000,10000,100000 or 1e3,1e4)");
    sizes.push_back(static_cast<int64_t>(v));
  }
  return sizes;
}

std::string CsvPathFor(const std::string& svg) {
  size_t slash = svg.rfind('/'), dot = svg.rfind('.');
  bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? svg.substr(0, dot) : svg) + ".csv";
}

void Run(const CurveArgs& a) {
  if (!a.output.ends_with(".svg"))
    Fail(ErrorCode::kUsage, "-o " + a.output + ": the picture is SVG: name it like curve.svg");
  LearningCurveOptions o;
  if (!a.sizes.empty()) o.sizes = ParseSizes(a.sizes);
  a.Apply(&o.cv, &o.fit);
  PipelineSpec spec = LoadSpec(a.spec);
  SniffDelimiter(&spec.read, a.inputs, a.json);
  LearningCurve curve = ComputeLearningCurve(spec, a.inputs, o);
  const std::string csv = CsvPathFor(a.output);
  WriteFileAtomically(a.output, LearningCurveSvg(curve));
  WriteFileAtomically(csv, LearningCurveCsv(curve));
  if (a.json) {
    Json points = Json::array();
    for (const auto& p : curve.points)
      points.push_back({{"size", p.size},
                        {"train_mean", p.train_mean()},
                        {"train_std", p.train_std()},
                        {"valid_mean", p.valid_mean()},
                        {"valid_std", p.valid_std()},
                        {"train_scores", p.train_scores},
                        {"valid_scores", p.valid_scores},
                        {"fit_seconds", p.fit_seconds}});
    Json j = {{"scoring", curve.scoring}, {"folds", curve.folds}, {"rows", curve.rows},
              {"points", points},         {"svg", a.output},      {"csv", csv},
              {"seconds", curve.seconds}};
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  std::printf("%s, scored by %s\n", curve.title.c_str(), curve.scoring.c_str());
  std::printf("%12s  %10s  %9s  %10s  %9s  %8s\n", "train rows", "train", "± std", "validation",
              "± std", "fit s");
  for (const auto& p : curve.points)
    std::printf("%12s  %10.6f  %9.6f  %10.6f  %9.6f  %8.3f\n", Thousands(p.size).c_str(),
                p.train_mean(), p.train_std(), p.valid_mean(), p.valid_std(), p.fit_seconds);
  std::printf("wrote  %s and %s   (%.2f s)\n", a.output.c_str(), csv.c_str(), curve.seconds);
}

}  // namespace

void AddLearningCurveCommand(CLI::App& app) {
  auto a = std::make_shared<CurveArgs>();
  CLI::App* cmd = app.add_subcommand(
      "learning-curve",
      R"(Is more data worth it? Fit the pipeline on growing subsets of the training rows with
k-fold cross-validation, every (size, fold) in parallel, and draw the training and
validation scores against the training size (log x axis, ±1 std bands over folds) as
an SVG. The table is printed and written beside it as CSV (curve.svg -> curve.csv).
For each fold, a size N trains on the first N of the fold's training rows (in input
order, or in shuffled order with --seed); the steps are refitted on them too.
Example: outcore learning-curve examples/taxi_tip.toml train.csv --sizes 1e3,1e4,1e5
         -o curve.svg)");
  cmd->add_option("spec", a->spec, "pipeline spec (TOML; see docs/spec.md)")->required();
  cmd->add_option("inputs", a->inputs, "training data: CSV files, directories, quoted globs or s3:// objects, prefixes and globs")
      ->required();
  cmd->add_option("-o,--output", a->output, "the picture to write (.svg)")->required();
  cmd->add_option("--sizes", a->sizes,
                  "training rows per point, comma-separated (default: 100, 300, 1000, 3000, ... "
                  "up to a fold's training rows)");
  AddCrossValidationOptions(cmd, a.get());
  CLI::Option* seed = cmd->add_option(
      "--seed", a->seed,
      "shuffle the rows with this seed before dealing folds (default: contiguous folds in "
      "input order)");
  AddThreadsOption(cmd, &a->threads);
  AddBadRowsOption(cmd, &a->bad_rows);
  AddMemoryLimitOption(cmd, &a->memory_limit);
  cmd->add_flag("--json", a->json, "print the table as JSON on stdout");
  cmd->callback([a, seed] {
    a->seeded = seed->count() > 0;
    Run(*a);
  });
}

}  // namespace outcore::cli
