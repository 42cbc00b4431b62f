// Progress lines: the text, and when a driver counting committed parts (Dask) shows one.
#include "exec/progress.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace outcore {
namespace {

SplitResult Part(int64_t bytes, int64_t rows) {
  SplitResult r;
  r.bytes_in = bytes;
  r.rows_out = rows;
  return r;
}

TEST(ProgressText, SaysShareMegabytesRowsAndEta) {
  // Half of 4 MiB done in 2 s at 1 MiB/s: 2 s to go.
  std::string text = ProgressText(2 << 20, 4 << 20, 3000000, 2.0, 1 << 20);
  EXPECT_EQ(text, " 50.0%  2.0 / 4.0 MB  3000000 rows  1.50M rows/s  ETA 0:02");
  EXPECT_EQ(ProgressText(0, 0, 0, 0, 0), "100.0%  0.0 / 0.0 MB  0 rows  0.00M rows/s  ETA 0:00");
}

TEST(PartProgress, OffATerminalALineAtEachNewTenthAndAtTheEnd) {
  PartProgress p;
  p.Start(/*splits=*/20, /*total_bytes=*/1000, 0, 0);
  std::vector<int> shown_after;
  for (int i = 1; i <= 20; ++i) {
    p.Add(Part(50, 10));  // each part is 5% of the input
    if (!p.Line("dask predict", false).empty()) shown_after.push_back(i);
  }
  EXPECT_EQ(shown_after, (std::vector<int>{2, 4, 6, 8, 10, 12, 14, 16, 18, 20}));
}

TEST(PartProgress, OnATerminalEveryPartRedrawsTheLine) {
  PartProgress p;
  p.Start(3, 300, 0, 0);
  p.Add(Part(100, 7));
  std::string line = p.Line("dask predict", true);
  EXPECT_EQ(line.rfind("dask predict   33.3%", 0), 0u) << line;
  EXPECT_NE(line.find("7 rows"), std::string::npos) << line;
  EXPECT_NE(line.find("1/3 splits"), std::string::npos) << line;
  EXPECT_FALSE(p.Line("dask predict", true).empty());
}

TEST(PartProgress, AResumedRunStartsFromWhatWasKept) {
  PartProgress p;
  p.Start(4, 400, /*done_splits=*/2, /*done_bytes=*/200);
  EXPECT_EQ(p.Line("x", false), "") << "nothing new since the start";
  p.Add(Part(100, 5));
  std::string line = p.Line("x", false);
  EXPECT_NE(line.find("3/4 splits"), std::string::npos) << line;
  EXPECT_NE(line.find(" 75.0%"), std::string::npos) << line;
  p.Add(Part(100, 5));
  EXPECT_NE(p.Line("x", false).find("4/4 splits"), std::string::npos);
}

}  // namespace
}  // namespace outcore
