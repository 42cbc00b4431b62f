// CSV parse throughput on a taxi-like file (18 columns, ~170 bytes a row, 8 projected).
// Uses $OUTCORE_BENCH_CSV if set, else generates /tmp/outcore_bench_taxi_<rows>.csv once
// ($OUTCORE_BENCH_ROWS rows, default 2 million: about 340 MB). Floats are printed with 17
// digits, as in the CSV exports of the 2009 NYC taxi data.
#include <benchmark/benchmark.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "io/csv/csv_reader.h"
#include "outcore/source.h"

namespace outcore {
namespace {

constexpr char kHeader[] =
    "vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,"
    "Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,"
    "surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt\n";

void GenerateTaxi(const std::string& path, int64_t rows) {
  std::FILE* f = std::fopen((path + ".tmp").c_str(), "wb");
  if (!f) std::abort();
  std::fputs(kHeader, f);
  std::mt19937_64 rng(2009);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const char* vendors[] = {"VTS", "CMT", "DDS"};
  const char* payments[] = {"CASH", "Credit", "CREDIT", "No Charge", "Dispute"};
  char line[512];
  for (int64_t i = 0; i < rows; ++i) {
    const int day = 1 + static_cast<int>(rng() % 28), hour = static_cast<int>(rng() % 24);
    const int minute = static_cast<int>(rng() % 60), trip = 3 + static_cast<int>(rng() % 40);
    // Two decimals, printed with 17 digits: 2.6299999999999999.
    const double distance = std::round(10 + unit(rng) * 1200) / 100;
    const double fare = std::round(250 + distance * 210) / 100;
    const double tip = rng() % 3 == 0 ? fare * 0.15 : 0, surcharge = rng() % 2 ? 0.5 : 0;
    const int payment = static_cast<int>(rng() % 5);
    std::snprintf(line, sizeof line,
                  "%s,2009-01-%02d %02d:%02d:%02d,2009-01-%02d %02d:%02d:%02d,%d,%.17g,%.6f,%.17g,"
                  ",,%.6f,%.17g,%s,%.17g,%g,,%.2f,0,%.17g\n",
                  vendors[rng() % 3], day, hour, minute, static_cast<int>(rng() % 60), day,
                  (hour + (minute + trip) / 60) % 24, (minute + trip) % 60,
                  static_cast<int>(rng() % 60), 1 + static_cast<int>(rng() % 6), distance,
                  -74.05 + unit(rng) * 0.2, 40.6 + unit(rng) * 0.25, -74.05 + unit(rng) * 0.2,
                  40.6 + unit(rng) * 0.25, payments[payment], fare, surcharge, tip,
                  fare + surcharge + tip);
    std::fputs(line, f);
  }
  std::fclose(f);
  std::filesystem::rename(path + ".tmp", path);
}

const std::string& TaxiPath() {
  static const std::string path = [] {
    if (const char* env = std::getenv("OUTCORE_BENCH_CSV")) return std::string(env);
    const int64_t rows =
        std::getenv("OUTCORE_BENCH_ROWS") ? std::atoll(std::getenv("OUTCORE_BENCH_ROWS")) : 2000000;
    const std::string generated = "/tmp/outcore_bench_taxi_" + std::to_string(rows) + ".csv";
    if (!std::filesystem::exists(generated)) GenerateTaxi(generated, rows);
    return generated;
  }();
  return path;
}

ScanOptions TaxiScan() {
  ScanOptions scan;
  scan.columns = Schema({{"vendor_name", DataType::kCategory},
                         {"Trip_Pickup_DateTime", DataType::kTimestamp},
                         {"Passenger_Count", DataType::kI64},
                         {"Trip_Distance", DataType::kF64},
                         {"Payment_Type", DataType::kCategory},
                         {"Fare_Amt", DataType::kF64},
                         {"surcharge", DataType::kF64},
                         {"Tip_Amt", DataType::kF64}});
  return scan;
}

// Streams every split through a reader on `threads` threads, as predict does, dropping the
// batches. Planning is measured separately (BM_CsvPlan).
// Args: threads, and 0 to force the baseline (SSE2) scanner instead of AVX2.
void BM_CsvRead(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const std::string& path = TaxiPath();
  csv::CsvTuning tuning;
  tuning.allow_avx2 = state.range(1) != 0;
  std::unique_ptr<Source> source = csv::MakeCsvSource({}, tuning);
  const std::vector<Split> splits = source->Plan({path}, 8 << 20);
  const ScanOptions scan = TaxiScan();
  tbb::task_arena arena(threads);
  int64_t bytes = 0, rows = 0;
  for (auto _ : state) {
    std::atomic<int64_t> run_rows{0}, run_bytes{0};
    arena.execute([&] {
      tbb::parallel_for(size_t{0}, splits.size(), [&](size_t i) {
        std::unique_ptr<SplitReader> reader = source->Open(splits[i], scan);
        Batch batch;
        while (reader->Next(&batch)) benchmark::DoNotOptimize(batch.columns.data());
        run_rows += reader->stats().rows_read;
        run_bytes += reader->stats().bytes_read;
      });
    });
    rows += run_rows;
    bytes += run_bytes;
  }
  state.SetBytesProcessed(bytes);
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["MB/s"] =
      benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CsvRead)
    ->Args({1, 1})
    ->Args({2, 1})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// Cutting the file into 8 MB splits: one pass over the file looking for quotes.
void BM_CsvPlan(benchmark::State& state) {
  const std::string& path = TaxiPath();
  std::unique_ptr<Source> source = MakeCsvSource({});
  const int64_t size = static_cast<int64_t>(std::filesystem::file_size(path));
  for (auto _ : state) benchmark::DoNotOptimize(source->Plan({path}, 8 << 20));
  state.SetBytesProcessed(size * state.iterations());
}
BENCHMARK(BM_CsvPlan)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace outcore

BENCHMARK_MAIN();
