#pragma once
// One progress line on stderr, redrawn in place: bytes and rows done, rows/s, ETA.
#include <chrono>
#include <cstdint>

#include "outcore/predict.h"

namespace outcore {

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

}  // namespace outcore
