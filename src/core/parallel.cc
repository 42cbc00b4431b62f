// ResolveThreads and ParallelForFirstError (see parallel.h).
#include "core/parallel.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace outcore {

int ResolveThreads(int requested) {
  return requested > 0 ? requested : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void ParallelForFirstError(size_t n, int threads, FirstError rule,
                           const std::function<void(size_t)>& fn) {
  std::mutex mu;
  std::exception_ptr error;
  size_t error_index = n;
  // Tasks with an index at or past `limit` are not started (all of them after kFirstThrown).
  std::atomic<size_t> limit{n};

  auto run = [&](size_t i) {
    if (i >= limit.load(std::memory_order_relaxed)) return;
    try {
      fn(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      bool wins = rule == FirstError::kFirstThrown ? !error : i < error_index;
      if (wins) {
        error = std::current_exception();
        error_index = i;
      }
      limit = rule == FirstError::kFirstThrown ? 0 : std::min(limit.load(), i);
    }
  };

  if (threads <= 1 || n <= 1) {
    for (size_t i = 0; i < n; ++i) run(i);
  } else {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, n, 1),
          [&](const tbb::blocked_range<size_t>& range) {
            for (size_t i = range.begin(); i != range.end(); ++i) run(i);
          },
          tbb::simple_partitioner());
    });
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace outcore
