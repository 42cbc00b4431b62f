#include "cli/options.h"

#include <cstdio>

#include "outcore/error.h"
#include "outcore/source.h"

namespace outcore::cli {

void ParseBadRows(const std::string& text, BadRowPolicy* policy, std::string* reject_path) {
  outcore::ParseBadRows(text, "--on-bad-rows", policy, reject_path);
}

int64_t ParseMemoryLimit(const std::string& text) {
  return text.empty() ? 0 : ParseSize(text, "--memory-limit");
}

void SniffDelimiter(ReadOptions* read, const std::vector<std::string>& inputs, bool quiet) {
  const std::string from = ResolveDelimiter(read, inputs);
  if (!from.empty() && !quiet)
    std::fprintf(stderr, "read     delimiter %s (sniffed from %s)\n", DelimiterText(read->delimiter).c_str(),
                 from.c_str());
}

std::string Thousands(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) bytes /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

CLI::Option* AddThreadsOption(CLI::App* cmd, int* threads, const char* help) {
  return cmd->add_option("--threads", *threads, help)->capture_default_str();
}

CLI::Option* AddBadRowsOption(CLI::App* cmd, std::string* text, const char* help) {
  return cmd->add_option("--on-bad-rows", *text, help)->capture_default_str();
}

CLI::Option* AddMemoryLimitOption(CLI::App* cmd, std::string* text, const char* help) {
  return cmd->add_option("--memory-limit", *text, help);
}

void CrossValidationArgs::Apply(CvOptions* cv, FitOptions* fit) const {
  cv->folds = folds;
  if (seeded) cv->shuffle_seed = seed;
  cv->scoring = scoring;
  fit->threads = threads;
  fit->memory_limit = ParseMemoryLimit(memory_limit);
  ParseBadRows(bad_rows, &fit->on_bad_rows, &fit->reject_path);
}

void AddCrossValidationOptions(CLI::App* cmd, CrossValidationArgs* args) {
  cmd->add_option("--cv", args->folds, "number of folds")->capture_default_str();
  cmd->add_option("--scoring", args->scoring,
                  "accuracy (default), log_loss or roc_auc for classifiers (with more than two "
                  "classes roc_auc is one-vs-rest, macro); r2 (default), rmse or mae for "
                  "regressors");
}

}  // namespace outcore::cli
