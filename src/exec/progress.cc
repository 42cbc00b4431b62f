#include "exec/progress.h"

#include <unistd.h>

#include <cstdio>

namespace outcore {

ProgressLine::ProgressLine(bool enabled, int64_t total_bytes, const SplitProgress* live)
    : enabled_(enabled && isatty(STDERR_FILENO)),
      total_bytes_(total_bytes),
      live_(live),
      start_(std::chrono::steady_clock::now()),
      last_(start_),
      start_bytes_(live->bytes) {}

void ProgressLine::Draw() {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  int64_t bytes = live_->bytes, rows = live_->rows;
  double rate = secs > 0 ? rows / secs : 0;
  double byte_rate = secs > 0 ? (bytes - start_bytes_) / secs : 0;
  double eta = byte_rate > 0 ? (total_bytes_ - bytes) / byte_rate : 0;
  double pct = total_bytes_ > 0 ? 100.0 * bytes / total_bytes_ : 100;
  std::fprintf(stderr, "\r\033[K%5.1f%%  %.1f / %.1f MB  %lld rows  %.2fM rows/s  ETA %d:%02d", pct,
               bytes / 1048576.0, total_bytes_ / 1048576.0, static_cast<long long>(rows), rate / 1e6,
               static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace outcore
