#pragma once
// Option parsing and output helpers shared by the subcommands.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/fit.h"
#include "outcore/io.h"
#include "outcore/option_text.h"
#include "outcore/tune.h"

namespace outcore::cli {

/// --on-bad-rows: "stop", "skip" or "reject=FILE".
void ParseBadRows(const std::string& text, BadRowPolicy* policy, std::string* reject_path);
/// --memory-limit: a size, or "" for the default (0).
int64_t ParseMemoryLimit(const std::string& text);
/// delimiter = "auto" in `read`: sniffed from the first CSV input, and said on stderr
/// ("read     delimiter ';' (sniffed from FILE)") unless `quiet`.
void SniffDelimiter(ReadOptions* read, const std::vector<std::string>& inputs, bool quiet);
/// 1234567 -> "1,234,567".
std::string Thousands(int64_t n);
/// 171234567 -> "163.3 MB".
std::string HumanBytes(double bytes);

inline const char* kMemoryLimitHelp =
    "bytes the features and the model's fit may take, like 4G or 500M (default: half of "
    "physical memory, or of ulimit -v when lower); a fit that would need more stops before "
    "making them, naming the step and column";

inline const char* kBadRowsHelp =
    "what to do with a row that cannot be read: stop (default; the error names file, line, "
    "column and value), skip (drop and count it), or reject=FILE (drop it and write file, "
    "line and reason to FILE)";

/// The options most subcommands share, with one help text each.
/// --threads N (0 = all cores; the default shown).
CLI::Option* AddThreadsOption(CLI::App* cmd, int* threads,
                              const char* help = "worker threads (0 = all cores)");
/// --on-bad-rows stop|skip|reject=FILE (the default shown).
CLI::Option* AddBadRowsOption(CLI::App* cmd, std::string* text, const char* help = kBadRowsHelp);
/// --memory-limit SIZE ("" = the default).
CLI::Option* AddMemoryLimitOption(CLI::App* cmd, std::string* text,
                                  const char* help = kMemoryLimitHelp);

/// The flags tune and learning-curve share: folds, scoring, the shuffle seed, and how the
/// rows are read and fitted.
struct CrossValidationArgs {
  int folds = 5, threads = 0;
  std::string scoring, memory_limit, bad_rows = "stop";
  uint64_t seed = 0;
  bool seeded = false;  // --seed given
  /// Sets `cv` and `fit` from the flags (errors name the flag).
  void Apply(CvOptions* cv, FitOptions* fit) const;
};
/// --cv K and --scoring NAME into `args`.
void AddCrossValidationOptions(CLI::App* cmd, CrossValidationArgs* args);

}  // namespace outcore::cli
