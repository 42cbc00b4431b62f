#include "exec/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace outcore {

std::string ProgressText(int64_t bytes, int64_t total_bytes, int64_t rows, double seconds,
                         double byte_rate) {
  double rate = seconds > 0 ? rows / seconds : 0;
  double eta = byte_rate > 0 ? (total_bytes - bytes) / byte_rate : 0;
  double pct = total_bytes > 0 ? 100.0 * bytes / total_bytes : 100;
  char text[160];
  std::snprintf(text, sizeof text, "%5.1f%%  %.1f / %.1f MB  %lld rows  %.2fM rows/s  ETA %d:%02d",
                pct, bytes / 1048576.0, total_bytes / 1048576.0, static_cast<long long>(rows),
                rate / 1e6, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  return text;
}

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
  int64_t bytes = live_->bytes;
  double byte_rate = secs > 0 ? (bytes - start_bytes_) / secs : 0;
  std::fprintf(stderr, "\r\033[K%s",
               ProgressText(bytes, total_bytes_, live_->rows, secs, byte_rate).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
}

void PartProgress::Start(int64_t splits, int64_t total_bytes, int64_t done_splits,
                         int64_t done_bytes) {
  start_ = std::chrono::steady_clock::now();
  splits_ = splits;
  total_bytes_ = total_bytes;
  done_splits_ = done_splits;
  start_bytes_ = bytes_ = done_bytes;
  last_tenth_ = total_bytes > 0 ? static_cast<int>(10 * done_bytes / total_bytes) : 0;
}

void PartProgress::Add(const SplitResult& part) {
  ++done_splits_;
  bytes_ += part.bytes_in;
  rows_ += part.rows_out;
}

std::string PartProgress::Line(const std::string& label, bool terminal) {
  int tenth = total_bytes_ > 0 ? static_cast<int>(10 * bytes_ / total_bytes_) : 10;
  bool last = done_splits_ >= splits_;
  if (!terminal && tenth <= last_tenth_ && !last) return "";
  last_tenth_ = std::max(last_tenth_, tenth);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double byte_rate = secs > 0 ? (bytes_ - start_bytes_) / secs : 0;
  return label + "  " + ProgressText(bytes_, total_bytes_, rows_, secs, byte_rate) + "  " +
         std::to_string(done_splits_) + "/" + std::to_string(splits_) + " splits";
}

}  // namespace outcore
