// outcore sample: one parallel pass over the inputs; a bounded reservoir per split merged by
// key (-n), or Bernoulli sampling streamed to the output in input order (--fraction).
#include "outcore/sample.h"

#include <sys/stat.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>

#include "choose/rows.h"
#include "core/batch_ops.h"
#include "core/parallel.h"
#include "core/random.h"
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/source.h"

namespace outcore {
namespace {

// Input position of a row: its split's ordinal, then its index within the split.
constexpr int kRowBits = 40;

std::string Names(const Schema& schema) {
  std::string out;
  for (const auto& f : schema.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

DataType Unify(DataType a, DataType b) {
  if (a == b) return a;
  bool numbers =
      (a == DataType::kI64 || a == DataType::kF64) && (b == DataType::kI64 || b == DataType::kF64);
  return numbers ? DataType::kF64 : DataType::kString;
}

OutputFormat FormatOf(const std::string& path) {
  auto ends = [&](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".parquet") || ends(".pq")) return OutputFormat::kParquet;
  if (ends(".csv")) return OutputFormat::kCsv;
  Fail(ErrorCode::kUsage, "-o " + path +
                              ": the output's extension picks its format: use .csv or "
                              ".parquet");
}

std::string TempPath(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + name + ".tmp-" + std::to_string(getpid());
}

// Reads one split, calling on_batch(batch, keys, first_position) for each batch. Keys come
// from the split's own random stream, so they do not depend on which thread reads it.
template <typename OnBatch>
ReadStats ReadWithKeys(const Split& split, const ScanOptions& scan, const ReadOptions& read,
                       uint64_t seed, OnBatch on_batch) {
  std::unique_ptr<Source> source = MakeSource(split.format, read);
  std::unique_ptr<SplitReader> reader = source->Open(split, scan);
  uint64_t state = choose::StreamState(seed, static_cast<uint64_t>(split.ordinal));
  uint64_t position = static_cast<uint64_t>(split.ordinal) << kRowBits;
  Batch batch;
  std::vector<uint64_t> keys;
  while (reader->Next(&batch)) {
    keys.resize(batch.num_rows);
    for (auto& k : keys) k = SplitMix64(&state);
    on_batch(batch, keys, position);
    position += static_cast<uint64_t>(batch.num_rows);
  }
  return reader->stats();
}

// What a split contributed, handed from the parallel stage to the serial one.
struct SplitSample {
  std::unique_ptr<RowReservoir> reservoir;  // -n
  std::vector<Batch> kept;                  // --fraction
  ReadStats stats;
};

Batch EmptyBatch(const Schema& schema) {
  Batch b;
  b.schema = schema;
  for (const auto& f : schema.fields()) {
    auto c = std::make_shared<Column>(f.type);
    if (f.type == DataType::kString) c->offsets.push_back(0);
    if (f.type == DataType::kCategory) c->dict = std::make_shared<Dictionary>();
    b.columns.push_back(c);
  }
  return b;
}

}  // namespace

RowReservoir::RowReservoir(int64_t capacity) : capacity_(std::max<int64_t>(capacity, 0)) {}

bool RowReservoir::Accepts(uint64_t key, uint64_t position) const {
  if (size() < capacity_) return true;
  return capacity_ > 0 && Entry{key, position, 0, 0} < heap_.front();
}

// Adds an entry that Accepts() approved, evicting the largest key when full.
void RowReservoir::Push(const Entry& entry) {
  if (size() == capacity_) {
    std::pop_heap(heap_.begin(), heap_.end());
    const Entry& out = heap_.back();
    chunks_[out.chunk].alive[out.row] = 0;
    heap_.pop_back();
  }
  heap_.push_back(entry);
  std::push_heap(heap_.begin(), heap_.end());
}

void RowReservoir::Offer(const Batch& batch, const std::vector<uint64_t>& keys,
                         uint64_t first_position) {
  const uint32_t index = static_cast<uint32_t>(chunks_.size());
  chunks_.emplace_back();  // the rows taken from this batch; dropped if none
  std::vector<uint8_t> take(batch.num_rows, 0);
  for (int64_t i = 0; i < batch.num_rows; ++i) {
    const uint64_t position = first_position + static_cast<uint64_t>(i);
    if (!Accepts(keys[i], position)) continue;
    Chunk& chunk = chunks_[index];
    take[i] = 1;
    chunk.keys.push_back(keys[i]);
    chunk.positions.push_back(position);
    chunk.alive.push_back(1);
    Push({keys[i], position, index, static_cast<uint32_t>(chunk.keys.size() - 1)});
  }
  Chunk& chunk = chunks_[index];
  if (chunk.keys.empty()) {
    chunks_.pop_back();
    return;
  }
  chunk.rows = FilterRows(batch, take);
  stored_ += chunk.rows.num_rows;
  CompactIfLarge();
}

void RowReservoir::Merge(RowReservoir&& other) {
  for (Chunk& theirs : other.chunks_) {
    const uint32_t index = static_cast<uint32_t>(chunks_.size());
    chunks_.push_back(std::move(theirs));
    Chunk& chunk = chunks_[index];
    stored_ += chunk.rows.num_rows;
    for (size_t r = 0; r < chunk.keys.size(); ++r) {
      if (!chunk.alive[r]) continue;
      if (Accepts(chunk.keys[r], chunk.positions[r]))
        Push({chunk.keys[r], chunk.positions[r], index, static_cast<uint32_t>(r)});
      else
        chunk.alive[r] = 0;
    }
  }
  other.chunks_.clear();
  other.heap_.clear();
  other.stored_ = 0;
  CompactIfLarge();
}

// Rows evicted from the heap stay in their chunk until there are as many dead rows as live
// ones (and at least a batch's worth): then every chunk is rewritten as one of live rows.
void RowReservoir::CompactIfLarge() {
  if (stored_ <= std::max<int64_t>(2 * capacity_, capacity_ + 65536)) return;
  Chunk all;
  std::vector<Batch> parts;
  for (const Chunk& c : chunks_) {
    parts.push_back(FilterRows(c.rows, c.alive));
    for (size_t r = 0; r < c.keys.size(); ++r) {
      if (!c.alive[r]) continue;
      all.keys.push_back(c.keys[r]);
      all.positions.push_back(c.positions[r]);
    }
  }
  all.rows = choose::ConcatBatches(parts);
  all.alive.assign(all.keys.size(), 1);
  chunks_.clear();
  chunks_.push_back(std::move(all));
  heap_.clear();
  const Chunk& c = chunks_[0];
  for (size_t r = 0; r < c.keys.size(); ++r)
    heap_.push_back({c.keys[r], c.positions[r], 0, static_cast<uint32_t>(r)});
  std::make_heap(heap_.begin(), heap_.end());
  stored_ = static_cast<int64_t>(c.keys.size());
}

Batch RowReservoir::Rows() const {
  std::vector<Batch> parts;
  std::vector<uint64_t> positions;
  for (const Chunk& c : chunks_) {
    parts.push_back(FilterRows(c.rows, c.alive));
    for (size_t r = 0; r < c.keys.size(); ++r)
      if (c.alive[r]) positions.push_back(c.positions[r]);
  }
  if (parts.empty()) return Batch();
  Batch all = choose::ConcatBatches(parts);
  std::vector<int64_t> order(positions.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int64_t a, int64_t b) { return positions[a] < positions[b]; });
  return TakeRows(all, order);
}

// Whether declaring a column's type could avoid a bad value: only in a CSV column whose type
// was inferred. Parquet and PostgreSQL columns carry their own types.
bool TypeHintHelps(const BadRowError& error) {
  return error.bad() && error.bad()->type_from == BadValue::TypeFrom::kInferred;
}

Schema SampleSchema(const std::vector<std::string>& files, const ReadOptions& read,
                    const std::vector<std::string>& columns) {
  Schema unified;
  for (size_t i = 0; i < files.size(); ++i) {
    Schema found = MakeSource(InputFormat(files[i]), read)->InspectSchema(files[i]);
    if (i == 0) {
      unified = found;
      continue;
    }
    for (const auto& f : unified.fields())
      if (found.IndexOf(f.name) < 0)
        Fail(ErrorCode::kSchema, files[i] + ": column '" + f.name + "' of " + files[0] +
                                     " is missing (columns: " + Names(found) +
                                     "); every input must have the same columns");
    for (const auto& f : found.fields())
      if (unified.IndexOf(f.name) < 0)
        Fail(ErrorCode::kSchema, files[i] + ": column '" + f.name + "' is not in " + files[0] +
                                     " (columns: " + Names(unified) +
                                     "); every input must have the same columns");
    std::vector<Field> fields = unified.fields();
    for (auto& f : fields) f.type = Unify(f.type, found.field(found.IndexOf(f.name)).type);
    unified = Schema(fields);
  }
  if (columns.empty()) return unified;
  Schema projected;
  for (const auto& name : columns) {
    int i = unified.IndexOf(name);
    if (i < 0)
      Fail(ErrorCode::kSchema, files[0] + ": --columns names '" + name +
                                   "', which is not in the input (columns: " + Names(unified) +
                                   ")");
    projected.Add(unified.field(i));
  }
  return projected;
}

SampleReport Sample(const std::vector<std::string>& inputs, const SampleOptions& options,
                    const std::string& output) {
  if (options.read.sniff_delimiter) {  // delimiter = "auto": chosen once, from the first input
    SampleOptions resolved = options;
    ResolveDelimiter(&resolved.read, inputs);
    return Sample(inputs, resolved, output);
  }
  auto t_start = std::chrono::steady_clock::now();
  const bool by_count = options.rows >= 0;
  if (by_count == (options.fraction >= 0))
    Fail(ErrorCode::kUsage, "give exactly one of -n ROWS or --fraction F");
  if (!by_count && !(options.fraction > 0 && options.fraction <= 1))
    Fail(ErrorCode::kUsage,
         "--fraction must be in (0, 1], got " + std::to_string(options.fraction));
  if (by_count && options.rows > (int64_t{1} << 32))
    Fail(ErrorCode::kUsage, "-n " + std::to_string(options.rows) +
                                " is too large for a sample held in memory; use --fraction");
  const OutputFormat format = FormatOf(output);
  const std::string dir = output.find('/') == std::string::npos
                              ? "."
                              : output.substr(0, std::max<size_t>(output.rfind('/'), 1));
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    Fail(ErrorCode::kIO, "-o " + output + ": the directory '" + dir + "' does not exist");

  SampleReport report;
  std::vector<std::string> files = ExpandInputs(inputs);
  if (files.empty()) Fail(ErrorCode::kIO, "no input files");
  report.files = static_cast<int64_t>(files.size());
  report.schema = SampleSchema(files, options.read, options.columns);
  std::vector<Split> splits;
  for (const auto& file : files)
    for (Split& s : MakeSource(InputFormat(file), options.read)
                        ->Plan({file}, options.split_size, static_cast<int64_t>(splits.size())))
      splits.push_back(std::move(s));
  if (splits.size() >= (size_t{1} << (64 - kRowBits)))
    Fail(ErrorCode::kUsage, "too many splits: raise --split-size");
  report.splits = static_cast<int64_t>(splits.size());
  ScanOptions scan;
  scan.columns = report.schema;
  scan.on_bad_rows = options.on_bad_rows;

  int threads = ResolveThreads(options.threads);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena arena(threads);

  const std::string temp = TempPath(output);
  std::unique_ptr<PartWriter> writer;
  RowReservoir sample(by_count ? options.rows : 0);
  const double fraction = options.fraction;
  try {
    if (!by_count) writer = OpenPartWriter(temp, format, report.schema, options.writer);
    size_t next = 0;
    auto hand_out = [&](tbb::flow_control& control) -> size_t {
      if (next >= splits.size()) control.stop();
      return next++;
    };
    auto read_split = [&](size_t i) -> std::shared_ptr<SplitSample> {
      auto s = std::make_shared<SplitSample>();
      if (by_count) s->reservoir = std::make_unique<RowReservoir>(options.rows);
      s->stats = ReadWithKeys(
          splits[i], scan, options.read, options.seed,
          [&](const Batch& batch, const std::vector<uint64_t>& keys, uint64_t position) {
            if (by_count) {
              s->reservoir->Offer(batch, keys, position);
              return;
            }
            std::vector<uint8_t> keep(batch.num_rows);
            int64_t kept = 0;
            for (int64_t r = 0; r < batch.num_rows; ++r)
              kept += keep[r] = UnitInterval(keys[r]) < fraction;
            if (kept) s->kept.push_back(FilterRows(batch, keep));
          });
      return s;
    };
    auto collect = [&](std::shared_ptr<SplitSample> s) {
      report.rows_in += s->stats.rows_read;
      report.rows_rejected += s->stats.rows_rejected;
      if (by_count) {
        sample.Merge(std::move(*s->reservoir));
        return;
      }
      for (const Batch& b : s->kept) {
        writer->Write(b);
        report.rows_out += b.num_rows;
      }
    };
    arena.execute([&] {
      tbb::parallel_pipeline(
          static_cast<size_t>(2 * threads),
          tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order, hand_out) &
              tbb::make_filter<size_t, std::shared_ptr<SplitSample>>(tbb::filter_mode::parallel,
                                                                     read_split) &
              tbb::make_filter<std::shared_ptr<SplitSample>, void>(
                  tbb::filter_mode::serial_in_order, collect));
    });
    if (by_count) {
      Batch rows = sample.size() > 0 ? sample.Rows() : EmptyBatch(report.schema);
      rows.schema = report.schema;
      writer = OpenPartWriter(temp, format, report.schema, options.writer);
      if (rows.num_rows > 0) writer->Write(rows);
      report.rows_out = rows.num_rows;
    }
    writer->Finish();
    writer.reset();
  } catch (const BadRowError& e) {
    writer.reset();
    unlink(temp.c_str());
    // Only the first line of a bad row's error, as this advice replaces the reader's (sample
    // has no reject=FILE).
    const std::string what = e.what();
    const std::string first_line = what.substr(0, what.find('\n'));
    if (!TypeHintHelps(e))
      Fail(e.code(), first_line + " (skip such rows with --on-bad-rows skip)");
    Fail(e.code(), first_line +
                       " (sample reads each column with the type inferred from the first rows of "
                       "the first input: declare the column's type in a spec's [read.dtype] and "
                       "pass --spec, or skip such rows with --on-bad-rows skip)");
  } catch (...) {
    writer.reset();
    unlink(temp.c_str());
    throw;
  }
  if (std::rename(temp.c_str(), output.c_str()) != 0) {
    unlink(temp.c_str());
    Fail(ErrorCode::kIO, output + ": cannot rename the finished sample into place");
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return report;
}

}  // namespace outcore
