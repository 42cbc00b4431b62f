#pragma once
// Thread counts and parallel loops as every command uses them: "0 threads means all cores",
// and "run N tasks on a few threads; if any fails, stop starting new ones and rethrow one
// error once the running ones are done".
#include <cstddef>
#include <functional>

namespace outcore {

/// Threads to use for a requested count: `requested` if positive, else one per hardware thread
/// (at least 1).
int ResolveThreads(int requested);

/// Which error ParallelForFirstError rethrows when several tasks fail.
enum class FirstError {
  kLowestIndex,  // the failing task with the lowest index: the same error on every run.
                 // Tasks after a failed one are not started; tasks before it still run.
  kFirstThrown,  // the first one thrown; no task starts after it.
};

/// Runs fn(i) for every i in [0, n), one index per task: in a task arena of `threads` threads,
/// or in order in the calling thread when threads <= 1 or n <= 1. Once a task throws, tasks
/// are skipped as `rule` says, and after the running ones finish the error `rule` picks is
/// rethrown.
void ParallelForFirstError(size_t n, int threads, FirstError rule,
                           const std::function<void(size_t)>& fn);

}  // namespace outcore
