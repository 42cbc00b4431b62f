#pragma once
/// Uniform random samples of rows from inputs of any size, in one parallel pass.
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/io.h"
#include "outcore/part_writer.h"

namespace outcore {

struct SampleOptions {
  int64_t rows = -1;     // -n: exactly this many rows (every row when the inputs have fewer)
  double fraction = -1;  // --fraction: each row independently with this probability
  uint64_t seed = 0;     // the same seed (and split size) gives the same sample
  int threads = 0;       // 0 = all cores; the sample does not depend on it
  int64_t split_size = 32LL << 20;   // bytes of input per split (the unit of parallel work)
  ReadOptions read;                  // how the inputs are read
  std::vector<std::string> columns;  // columns to keep, in this order; empty = all
  BadRowPolicy on_bad_rows = BadRowPolicy::kStop;
  WriterOptions writer;
};

struct SampleReport {
  int64_t files = 0, splits = 0;
  int64_t rows_in = 0, rows_rejected = 0, rows_out = 0;
  Schema schema;  // the columns written, with the types they were read as
  double seconds = 0;
};

/// Draws the sample and writes it to `output` (CSV, or Parquet for .parquet/.pq), under a
/// temporary name renamed into place when complete. Rows keep their input order.
///
/// Every row gets a 64-bit random key from a generator seeded by (seed, split ordinal) and
/// advanced row by row. -n keeps the rows with the n smallest keys: a uniform sample without
/// replacement, found with one bounded reservoir per split (a max-heap of n keys) merged by
/// key, so memory is O(threads x n) rows and the result does not depend on the thread count.
/// --fraction keeps a row when its key, as a number in [0, 1), is below the fraction
/// (Bernoulli sampling), streaming the kept rows to the output in input order.
SampleReport Sample(const std::vector<std::string>& inputs, const SampleOptions& options,
                    const std::string& output);

/// The schema every input is read with for sampling: each input's header and inferred (or
/// declared) types, unified across inputs (int and float give float; other differences give
/// string), projected on `columns` when given. Inputs must have the same columns.
Schema SampleSchema(const std::vector<std::string>& files, const ReadOptions& read,
                    const std::vector<std::string>& columns);

/// The rows with the smallest keys among those offered: a mergeable reservoir. Rows are kept
/// as column data (copied out of the offered batches) with their keys and input positions.
class RowReservoir {
 public:
  explicit RowReservoir(int64_t capacity);
  /// Offers every row of `batch`; keys[i] is row i's random key and `first_position` the
  /// input position of row 0 (positions order the final sample).
  void Offer(const Batch& batch, const std::vector<uint64_t>& keys, uint64_t first_position);
  /// Takes in the rows of `other` (a reservoir of the same capacity over other rows).
  void Merge(RowReservoir&& other);
  int64_t size() const { return static_cast<int64_t>(heap_.size()); }
  /// The kept rows in input-position order.
  Batch Rows() const;

 private:
  struct Chunk {
    Batch rows;
    std::vector<uint64_t> keys, positions;
    std::vector<uint8_t> alive;
  };
  struct Entry {
    uint64_t key, position;
    uint32_t chunk, row;
    bool operator<(const Entry& o) const {
      return key != o.key ? key < o.key : position < o.position;
    }
  };
  bool Accepts(uint64_t key, uint64_t position) const;
  void Push(const Entry& entry);
  void CompactIfLarge();

  int64_t capacity_;
  int64_t stored_ = 0;  // rows held in chunks, alive or not
  std::vector<Chunk> chunks_;
  std::vector<Entry> heap_;  // max-heap by (key, position)
};

}  // namespace outcore
