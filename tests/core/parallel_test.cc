// ResolveThreads and ParallelForFirstError: every task runs once, and when tasks fail the
// error reported is the one the rule names.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/parallel.h"

namespace outcore {
namespace {

TEST(Parallel, ResolveThreads) {
  EXPECT_EQ(ResolveThreads(3), 3);
  EXPECT_EQ(ResolveThreads(1), 1);
  const int all = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  EXPECT_EQ(ResolveThreads(0), all);
  EXPECT_EQ(ResolveThreads(-1), all);
}

TEST(Parallel, RunsEveryTaskOnce) {
  for (int threads : {1, 4}) {
    std::vector<std::atomic<int>> runs(1000);
    ParallelForFirstError(runs.size(), threads, FirstError::kLowestIndex, [&](size_t i) { ++runs[i]; });
    for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i], 1) << i << " with " << threads;
  }
  int calls = 0;
  ParallelForFirstError(0, 4, FirstError::kFirstThrown, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

// Of several failing tasks the lowest index wins, whatever the order they fail in; tasks before
// it all ran, and none after it started once it had failed (serially: none at all).
TEST(Parallel, LowestIndexErrorWins) {
  for (int threads : {1, 4}) {
    std::vector<std::atomic<int>> runs(200);
    try {
      ParallelForFirstError(runs.size(), threads, FirstError::kLowestIndex, [&](size_t i) {
        ++runs[i];
        if (i == 150 || i == 40 || i == 90) throw std::runtime_error("task " + std::to_string(i));
      });
      FAIL() << "no error";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "task 40") << threads;
    }
    for (size_t i = 0; i <= 40; ++i) EXPECT_EQ(runs[i], 1) << i;
    if (threads == 1)
      for (size_t i = 41; i < runs.size(); ++i) EXPECT_EQ(runs[i], 0) << i;
  }
}

// The first error thrown is the one rethrown, and serially no task starts after it.
TEST(Parallel, FirstThrownErrorWins) {
  std::vector<int> runs(50);
  try {
    ParallelForFirstError(runs.size(), 1, FirstError::kFirstThrown, [&](size_t i) {
      ++runs[i];
      if (i >= 10) throw std::runtime_error("task " + std::to_string(i));
    });
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "task 10");
  }
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i], i <= 10 ? 1 : 0) << i;

  // In parallel: exactly one error comes back, every task runs at most once.
  std::vector<std::atomic<int>> many(500);
  EXPECT_THROW(ParallelForFirstError(many.size(), 4, FirstError::kFirstThrown,
                                     [&](size_t i) {
                                       ++many[i];
                                       if (i % 7 == 3) throw std::runtime_error("x");
                                     }),
               std::runtime_error);
  for (auto& r : many) EXPECT_LE(r, 1);
}

}  // namespace
}  // namespace outcore
