#include "cli/options.h"

#include <cstdio>

#include "outcore/error.h"

namespace outcore::cli {

void ParseBadRows(const std::string& text, BadRowPolicy* policy, std::string* reject_path) {
  outcore::ParseBadRows(text, "--on-bad-rows", policy, reject_path);
}

int64_t ParseMemoryLimit(const std::string& text) {
  return text.empty() ? 0 : ParseSize(text, "--memory-limit");
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

}  // namespace outcore::cli
