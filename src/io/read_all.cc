// ReadAll: every row of some inputs in memory, read split by split on a few threads.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>

#include "outcore/io.h"

namespace outcore {

namespace {

// What one split yielded, kept apart so results can be put back in input order.
struct SplitResult {
  std::vector<Batch> batches;
  ReadStats stats;
  std::exception_ptr error;
};

}  // namespace

ReadResult ReadAll(Source& source, const std::vector<std::string>& inputs, const ScanOptions& scan,
                   int threads, int64_t chunk_size) {
  const std::vector<Split> splits = source.Plan(inputs, chunk_size);
  std::vector<SplitResult> results(splits.size());
  // Index of the first split known to have failed: later splits need not be read, as the
  // error of the earliest failing split is the one reported.
  std::atomic<size_t> first_failed{std::numeric_limits<size_t>::max()};

  auto read_split = [&](size_t i) {
    if (i > first_failed.load(std::memory_order_relaxed)) return;
    SplitResult& result = results[i];
    try {
      std::unique_ptr<SplitReader> reader = source.Open(splits[i], scan);
      Batch batch;
      while (reader->Next(&batch)) result.batches.push_back(std::move(batch));
      result.stats = reader->stats();
    } catch (...) {
      result.error = std::current_exception();
      size_t failed = first_failed.load();
      while (i < failed && !first_failed.compare_exchange_weak(failed, i)) {
      }
    }
  };

  if (threads <= 1 || splits.size() <= 1) {
    for (size_t i = 0; i < splits.size(); ++i) read_split(i);
  } else {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, splits.size(), 1),
          [&](const tbb::blocked_range<size_t>& range) {
            for (size_t i = range.begin(); i != range.end(); ++i) read_split(i);
          },
          tbb::simple_partitioner());
    });
  }

  ReadResult all;
  for (SplitResult& result : results) {
    if (result.error) std::rethrow_exception(result.error);
    for (Batch& batch : result.batches) all.batches.push_back(std::move(batch));
    all.stats.rows_read += result.stats.rows_read;
    all.stats.rows_rejected += result.stats.rows_rejected;
    all.stats.bytes_read += result.stats.bytes_read;
    for (RejectedRow& row : result.stats.rejects) all.stats.rejects.push_back(std::move(row));
  }
  if (scan.columns.size() > 0) {
    all.schema = scan.columns;
  } else if (!all.batches.empty()) {
    all.schema = all.batches[0].schema;
  } else if (!splits.empty()) {
    all.schema = source.InspectSchema(splits[0].path);
  }
  return all;
}

}  // namespace outcore
