// outcore sample INPUT... (-n N | --fraction F) [--seed S] -o FILE
#include <cstdio>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/error.h"
#include "outcore/model.h"
#include "outcore/sample.h"

namespace outcore::cli {
namespace {

struct SampleArgs {
  std::vector<std::string> inputs;
  std::string output, spec, columns, split_size = "32MB", bad_rows = "stop";
  int64_t rows = -1;
  double fraction = -1;
  uint64_t seed = 0;
  int threads = 0;
  bool json = false, quiet = false;
};

void Run(const SampleArgs& a) {
  SampleOptions o;
  o.rows = a.rows;
  o.fraction = a.fraction;
  o.seed = a.seed;
  o.threads = a.threads;
  o.split_size = ParseSize(a.split_size, "--split-size");
  if (!a.spec.empty()) o.read = LoadSpec(a.spec).read;
  SniffDelimiter(&o.read, a.inputs, a.quiet || a.json);
  std::stringstream names(a.columns);
  for (std::string name; std::getline(names, name, ',');)
    if (!name.empty()) o.columns.push_back(name);
  std::string reject_path;
  ParseBadRows(a.bad_rows, &o.on_bad_rows, &reject_path);
  if (o.on_bad_rows == BadRowPolicy::kReject)
    Fail(ErrorCode::kUsage, "--on-bad-rows: sample supports stop or skip");
  SampleReport r = Sample(a.inputs, o, a.output);
  if (a.json) {
    Json columns = Json::array();
    for (const auto& f : r.schema.fields())
      columns.push_back({{"name", f.name}, {"type", TypeName(f.type)}});
    Json j = {{"output", a.output},   {"rows_out", r.rows_out},
              {"rows_in", r.rows_in}, {"rows_rejected", r.rows_rejected},
              {"files", r.files},     {"splits", r.splits},
              {"seed", a.seed},       {"columns", columns},
              {"seconds", r.seconds}};
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  if (a.quiet) return;
  std::fprintf(
      stderr,
      "sample   %s of %s rows (%s rejected) from %lld file(s), %lld splits -> %s   %.2f s\n",
      Thousands(r.rows_out).c_str(), Thousands(r.rows_in).c_str(),
      Thousands(r.rows_rejected).c_str(), static_cast<long long>(r.files),
      static_cast<long long>(r.splits), a.output.c_str(), r.seconds);
  if (a.rows > r.rows_out)
    std::fprintf(stderr, "note     the inputs have fewer than %s rows: the sample is all of them\n",
                 Thousands(a.rows).c_str());
}

}  // namespace

void AddSampleCommand(CLI::App& app) {
  auto a = std::make_shared<SampleArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sample",
      R"(Draw a uniform random sample of rows from inputs of any size, in one parallel pass.
-n N keeps exactly N rows (reservoir sampling: every set of N rows is equally likely);
--fraction F keeps each row independently with probability F (Bernoulli sampling).
Memory is bounded by threads x N rows (-n) or a few splits (--fraction), never by the
input size. The same --seed (and --split-size) gives the same sample on any number of
threads. Rows keep their input order. All columns are read, with the types inferred
from the first rows of the first input (or a spec's [read] options with --spec).
Output: CSV, or Parquet when FILE ends in .parquet; written under a temporary name and
renamed into place when complete.
Example: outcore sample 'data/*.csv' -n 10000 --seed 1 -o sample.csv)");
  cmd->add_option("inputs", a->inputs, "CSV files, directories, quoted globs or s3:// objects, prefixes and globs")->required();
  cmd->add_option("-n,--rows", a->rows, "sample exactly this many rows (all if there are fewer)");
  cmd->add_option("--fraction", a->fraction, "sample each row with this probability, in (0, 1]");
  cmd->add_option("-o,--output", a->output, "output file: .csv or .parquet")->required();
  cmd->add_option("--seed", a->seed, "random seed: the same seed gives the same rows")
      ->capture_default_str();
  cmd->add_option("--spec", a->spec,
                  "take the read options (delimiter, na_values, dtype, parse_dates) from this "
                  "pipeline spec");
  cmd->add_option("--columns", a->columns, "keep only these columns, comma-separated, in order");
  AddThreadsOption(cmd, &a->threads);
  cmd->add_option("--split-size", a->split_size, "input bytes per split, e.g. 32MB, 256MB")
      ->capture_default_str();
  AddBadRowsOption(cmd, &a->bad_rows,
                   "stop (default: the error names file, line, column and value) or skip (drop "
                   "and count rows that cannot be read)");
  cmd->add_flag("-q,--quiet", a->quiet, "print nothing");
  cmd->add_flag("--json", a->json,
                "print a summary as JSON on stdout (rows_out, rows_in, rows_rejected, files, "
                "splits, columns, seconds)");
  cmd->callback([a] { Run(*a); });
}

}  // namespace outcore::cli
