// outcore predict MODEL INPUT... -o OUTDIR
#include <csignal>
#include <cstdio>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/error.h"
#include "outcore/files.h"
#include "outcore/postgres.h"
#include "outcore/predict.h"
#include "outcore/predict_run.h"
#include "outcore/source.h"

namespace outcore::cli {
namespace {

struct PredictArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string output;
  std::string format = "parquet";
  std::string compression = "zstd";
  int threads = 0;
  std::string split_size = "auto";
  std::string memory_limit;
  std::string keep;
  bool label = false, resume = false, overwrite = false, quiet = false, json = false;
  std::string bad_rows = "stop";
  std::vector<std::string> read, rename;
};

volatile std::sig_atomic_t g_signal = 0;

void OnSignal(int signal) {
  g_signal = signal;
  PredictInterrupt() = true;
}

}  // namespace

int StoppingSignal() { return g_signal; }

namespace {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void Run(const PredictArgs& a) {
  PredictRequest request;
  request.output = a.output;
  request.format = a.format;
  request.compression = a.compression;
  request.split_size = a.split_size;
  request.memory_limit = a.memory_limit;
  request.on_bad_rows = a.bad_rows;
  request.label = a.label;
  request.resume = a.resume;
  request.overwrite = a.overwrite;
  request.progress = !a.quiet && !a.json;
  request.threads = a.threads;
  request.read = a.read;
  request.rename = a.rename;
  PredictOptions o = ParsePredictOptions(request);

  Model model = LoadModel(a.model);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sa.sa_flags = SA_RESETHAND;  // a second signal kills at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  PredictReport r = Predict(model, a.model, a.inputs, SplitList(a.keep), o);

  const Json& totals = r.manifest["totals"];
  const std::string output = RedactPostgresUri(a.output);
  const S3Usage s3 = S3UsageSoFar();
  if (a.json) {
    Json summary = {{"output", output}, {"totals", totals}, {"parts_redone", r.parts_redone},
                    {"timings", r.manifest["timings"]}, {"drift", r.manifest["drift"]},
                    {"read_overrides", r.manifest["read_overrides"]}, {"columns", r.manifest["columns"]}};
    if (s3.requests > 0)
      summary["s3"] = {{"requests", s3.requests}, {"retries", s3.retries},
                       {"bytes_received", s3.bytes_received}, {"bytes_sent", s3.bytes_sent}};
    std::printf("%s\n", summary.dump(2).c_str());
    return;
  }
  if (a.quiet) return;
  if (r.manifest.contains("delimiter_sniffed")) {
    const Json& sniffed = r.manifest["delimiter_sniffed"];
    std::fprintf(stderr, "read     delimiter %s (sniffed from %s)\n",
                 DelimiterText(sniffed["delimiter"].get<std::string>()[0]).c_str(),
                 sniffed["file"].get<std::string>().c_str());
  }
  for (const auto& c : r.manifest["columns"])
    std::fprintf(stderr, "column   %s <- input column %s (%s)\n", c["name"].get<std::string>().c_str(),
                 c["input"].get<std::string>().c_str(),
                 c["by"] == "rename" ? "--rename" : "the same name but for case");
  const Json& t = r.manifest["timings"];
  std::fprintf(stderr, "predict  %s rows in, %s out, %s rejected -> %s %s in %s\n",
               Thousands(totals["rows_in"]).c_str(), Thousands(totals["rows_out"]).c_str(),
               Thousands(totals["rows_rejected"]).c_str(), Thousands(totals["parts"]).c_str(),
               totals["parts"].get<int64_t>() == 1 ? "part" : "parts", output.c_str());
  if (r.parts_reused)
    std::fprintf(stderr, "         %s %s already complete and kept (checked)\n", Thousands(r.parts_reused).c_str(),
                 r.parts_reused == 1 ? "part was" : "parts were");
  if (!r.parts_redone.empty()) {
    // The first few name the part and why; --json and _SUCCESS list them all.
    constexpr size_t kShown = 5;
    std::string list;
    for (size_t i = 0; i < r.parts_redone.size() && i < kShown; ++i) {
      const Json& p = r.parts_redone[i];
      list += (list.empty() ? "" : ", ") + p["part"].get<std::string>() + " (" + p["why"].get<std::string>() + ")";
    }
    if (r.parts_redone.size() > kShown)
      list += ", and " + Thousands(static_cast<int64_t>(r.parts_redone.size() - kShown)) + " more (--json lists all)";
    std::fprintf(stderr, "         %s %s missing or changed and redone: %s\n",
                 Thousands(static_cast<int64_t>(r.parts_redone.size())).c_str(),
                 r.parts_redone.size() == 1 ? "part was" : "parts were", list.c_str());
  }
  std::fprintf(stderr, "time     %.2f s, %.2fM rows/s (%s)\n", t["seconds"].get<double>(),
               t["rows_per_second"].get<double>() / 1e6, HumanBytes(totals["bytes_in"].get<double>()).c_str());
  if (s3.requests > 0)
    std::fprintf(stderr, "s3       %s requests (%s retried), %s received, %s sent\n", Thousands(s3.requests).c_str(),
                 Thousands(s3.retries).c_str(), HumanBytes(static_cast<double>(s3.bytes_received)).c_str(),
                 HumanBytes(static_cast<double>(s3.bytes_sent)).c_str());
  if (totals["rows_missing_features"].get<int64_t>() > 0)
    std::fprintf(stderr, "warning  %s rows had missing feature values: yhat is empty for them "
                         "(add an imputer step to the spec)\n",
                 Thousands(totals["rows_missing_features"]).c_str());
  for (auto& [key, n] : r.manifest["drift"].items())
    std::fprintf(stderr, "drift    %s: %s values outside what the model was trained on\n", key.c_str(),
                 Thousands(n.get<int64_t>()).c_str());
}

}  // namespace

void AddPredictCommand(CLI::App& app) {
  auto a = std::make_shared<PredictArgs>();
  CLI::App* cmd = app.add_subcommand(
      "predict",
      R"(Score inputs of any size with a model file, on all cores, in bounded memory.
Inputs are read with the read options stored in the model (--read overrides them for the
run) and checked against its input schema first, each model column matched to the input
column of the same name, else the one equal to it ignoring case (--rename for the rest). Each split of the input (a row-aligned byte range) becomes one part,
OUTDIR/part-00000.parquet, ... in input order, each written under a temporary name and
renamed into place when complete; OUTDIR/_SUCCESS (a JSON manifest) is written last.
Output columns: yhat (P(positive class), the class with --label, or the regressor's value)
and the --keep columns.
Example: outcore predict model.json 'data/*.csv' -o predictions/)");
  cmd->add_option("model", a->model, "model file written by outcore fit")->required();
  cmd->add_option("inputs", a->inputs, "CSV or Parquet files, directories, quoted globs like 'data/*.csv', s3://bucket/key objects, prefixes (s3://bucket/dir/) or globs ('s3://bucket/2009-*.csv'; docs/s3.md), or postgresql:// URIs. A gzip or zstd CSV file (e.g. taxi.csv.gz) is read as a stream: one split, so one thread, per file")->required();
  cmd->add_option("-o,--output", a->output, "output directory (created if missing), s3://bucket/prefix/ (each part committed whole, _SUCCESS last; docs/s3.md), or postgresql://...?table=NAME")->required();
  cmd->add_option("--format", a->format, "output format: parquet or csv")->capture_default_str();
  cmd->add_option("--compression", a->compression, "Parquet compression: zstd, snappy or none")
      ->capture_default_str();
  AddThreadsOption(cmd, &a->threads);
  cmd->add_option("--split-size", a->split_size,
                  "input bytes per split (and so per part), e.g. 64MB, 256MB, 1G; auto: a sixteenth of the "
                  "input files' size, from 8MB to 64MB (64MB for PostgreSQL inputs), so that every core "
                  "stays busy to the end")->capture_default_str();
  AddMemoryLimitOption(cmd, &a->memory_limit,
                       "bound on memory in flight (e.g. 128MB): shrinks batches and row groups to fit");
  cmd->add_option("--keep", a->keep, "input columns to copy next to yhat, comma-separated (e.g. id,Fare_Amt); "
                                     "matched to the input's columns as the model's are");
  cmd->add_option("--read", a->read,
                  "KEY=VALUE: override one of the model's read options for this run (repeatable; the model "
                  "file is not changed). Keys as in the spec's [read]: delimiter (or auto: sniffed), quote, "
                  "escape, header, na_values, parse_dates, dtype.COLUMN, date_format (all columns) or "
                  "date_format.COLUMN, decimal, thousands, infer_rows. VALUE is a TOML value "
                  "('[\"NULL\", \"\"]', false, '\"\\t\"') or else the text itself. "
                  "E.g. --read delimiter=';' --read date_format.pickup='%m/%d/%Y %H:%M' --read decimal=,")
      ->allow_extra_args(false);
  cmd->add_option("--rename", a->rename,
                  "OLD=NEW: read the input's column OLD as the model's column NEW (repeatable). Without it, "
                  "a model column is matched to the input column of the same name, else to the one input "
                  "column equal to it ignoring case (as PostgreSQL folds unquoted names)")
      ->allow_extra_args(false);
  cmd->add_flag("--label", a->label, "write the predicted class instead of the probability");
  cmd->add_flag("--resume", a->resume,
                "finish an interrupted run in OUTDIR: keep its complete parts, redo the rest "
                "(with the same options; a run a bad row stopped may add --on-bad-rows skip or "
                "reject=FILE)");
  cmd->add_flag("--overwrite", a->overwrite, "replace outcore output already in OUTDIR");
  AddBadRowsOption(cmd, &a->bad_rows);
  cmd->add_flag("-q,--quiet", a->quiet, "no progress line and no summary");
  cmd->add_flag("--json", a->json, "print the summary (totals, timings, drift) as JSON on stdout");
  cmd->callback([a] { Run(*a); });
}

}  // namespace outcore::cli
