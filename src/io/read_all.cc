// ReadAll: every row of some inputs in memory, read split by split on a few threads.
#include "core/parallel.h"
#include "outcore/source.h"

namespace outcore {

namespace {

// What one split yielded, kept apart so results can be put back in input order.
struct SplitResult {
  std::vector<Batch> batches;
  ReadStats stats;
};

}  // namespace

ReadResult ReadAll(Source& source, const std::vector<std::string>& inputs, const ScanOptions& scan,
                   int threads, int64_t chunk_size) {
  const std::vector<Split> splits = source.Plan(inputs, chunk_size);
  std::vector<SplitResult> results(splits.size());
  // The error of the earliest failing split is the one reported, so later splits need not be
  // read once one has failed.
  ParallelForFirstError(splits.size(), threads, FirstError::kLowestIndex, [&](size_t i) {
    SplitResult& result = results[i];
    std::unique_ptr<SplitReader> reader = source.Open(splits[i], scan);
    Batch batch;
    while (reader->Next(&batch)) result.batches.push_back(std::move(batch));
    result.stats = reader->stats();
  });

  ReadResult all;
  for (SplitResult& result : results) {
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
