// Part writer throughput: a 1M-row part like predict writes (a prediction column plus a few
// kept columns), per codec, and CSV for comparison. Reports rows/s and output MB/s; the time
// includes Finish (footer, flush, fsync).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "outcore/part_writer.h"

namespace outcore {
namespace {

constexpr int64_t kRows = 1 << 20;
constexpr int64_t kBatchRows = 65536;

// Batches of: prediction (f64), id (i64), pickup time (timestamp), zone (category of 250),
// vendor (string of 3 values). Kept columns are optional so the prediction alone can be timed.
std::vector<Batch> MakeBatches(bool kept_columns) {
  auto zones = std::make_shared<Dictionary>();
  for (int z = 0; z < 250; ++z) zones->push_back("zone-" + std::to_string(z));
  const char* vendors[] = {"CMT", "VTS", "DDS"};
  std::vector<Batch> batches;
  for (int64_t begin = 0; begin < kRows; begin += kBatchRows) {
    const int64_t n = std::min(kBatchRows, kRows - begin);
    Batch batch;
    batch.num_rows = n;
    auto pred = std::make_shared<Column>(DataType::kF64);
    pred->length = n;
    for (int64_t r = begin; r < begin + n; ++r) pred->f64.push_back(12 + 9 * std::sin(r * 0.37));
    batch.Add("prediction", pred);
    if (kept_columns) {
      auto id = std::make_shared<Column>(DataType::kI64);
      auto time = std::make_shared<Column>(DataType::kTimestamp);
      auto zone = std::make_shared<Column>(DataType::kCategory);
      auto vendor = std::make_shared<Column>(DataType::kString);
      id->length = time->length = zone->length = vendor->length = n;
      zone->dict = zones;
      vendor->offsets.push_back(0);
      for (int64_t r = begin; r < begin + n; ++r) {
        id->i64.push_back(r);
        time->i64.push_back(1704067200000000 + r * 2750000 + (r * 7919) % 1000000);
        zone->codes.push_back(static_cast<int32_t>((r * 31) % 250));
        vendor->chars += vendors[r % 3];
        vendor->offsets.push_back(static_cast<int64_t>(vendor->chars.size()));
      }
      batch.Add("id", id);
      batch.Add("pickup", time);
      batch.Add("zone", zone);
      batch.Add("vendor", vendor);
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

void WritePart(benchmark::State& state, OutputFormat format, Compression compression,
               bool kept_columns) {
  const std::vector<Batch> batches = MakeBatches(kept_columns);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("outcore_bench_" + std::to_string(getpid()) + FormatExtension(format)))
                               .string();
  WriterOptions options;
  options.compression = compression;
  int64_t bytes = 0;
  for (auto _ : state) {
    auto writer = OpenPartWriter(path, format, batches.front().schema, options);
    for (const Batch& batch : batches) writer->Write(batch);
    benchmark::DoNotOptimize(writer->Finish());
    bytes = static_cast<int64_t>(std::filesystem::file_size(path));
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(state.iterations() * kRows);  // shown as rows/s
  state.SetBytesProcessed(state.iterations() * bytes);  // output bytes/s
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
}

void BM_ParquetPredictionOnly(benchmark::State& state) {
  WritePart(state, OutputFormat::kParquet, static_cast<Compression>(state.range(0)), false);
}
void BM_ParquetWithKeptColumns(benchmark::State& state) {
  WritePart(state, OutputFormat::kParquet, static_cast<Compression>(state.range(0)), true);
}
void BM_CsvWithKeptColumns(benchmark::State& state) {
  WritePart(state, OutputFormat::kCsv, Compression::kNone, true);
}

void Codecs(benchmark::internal::Benchmark* b) {
  b->ArgName("codec");  // 0 none, 1 snappy, 2 zstd
  for (Compression c : {Compression::kNone, Compression::kSnappy, Compression::kZstd}) {
    b->Arg(static_cast<int>(c));
  }
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_ParquetPredictionOnly)->Apply(Codecs);
BENCHMARK(BM_ParquetWithKeptColumns)->Apply(Codecs);
BENCHMARK(BM_CsvWithKeptColumns)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace outcore

BENCHMARK_MAIN();
