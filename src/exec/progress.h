#pragma once
// Progress lines: the share of the input done, rows, rows/s and ETA. The local executor
// redraws one on stderr from live counters; a driver whose splits run elsewhere (Dask) counts
// committed parts and gets the text to show from PartProgress.
#include <chrono>
#include <cstdint>
#include <string>

#include "outcore/predict.h"

namespace outcore {

/// "42.0%  1.2 / 3.0 MB  123456 rows  1.50M rows/s  ETA 0:07"
std::string ProgressText(int64_t bytes, int64_t total_bytes, int64_t rows, double seconds,
                         double byte_rate);

/// One progress line on stderr, redrawn in place from a run's live counters.
class ProgressLine {
 public:
  /// Draws only when `enabled` and stderr is a terminal.
  ProgressLine(bool enabled, int64_t total_bytes, const SplitProgress* live);
  /// Redraws at most every 200 ms.
  void Draw();
  /// Erases the line.
  void Clear();

 private:
  bool enabled_;
  int64_t total_bytes_;
  const SplitProgress* live_;
  std::chrono::steady_clock::time_point start_, last_;
  int64_t start_bytes_;
  bool drawn_ = false;
};

/// Progress counted in committed parts. On a terminal each part gives a line to redraw; off
/// one (a log file) a line is due at each new tenth of the input and at the last part.
class PartProgress {
 public:
  /// `done_bytes` and `done_splits`: what a resumed run had already committed.
  void Start(int64_t splits, int64_t total_bytes, int64_t done_splits, int64_t done_bytes);
  void Add(const SplitResult& part);
  /// "<label>  <ProgressText>  7/12 splits", or "" when no line is due.
  std::string Line(const std::string& label, bool terminal);

 private:
  std::chrono::steady_clock::time_point start_;
  int64_t splits_ = 0, total_bytes_ = 0, done_splits_ = 0, start_bytes_ = 0, bytes_ = 0, rows_ = 0;
  int last_tenth_ = 0;
};

}  // namespace outcore
