// The local executor: a PredictRun whose splits run on a pool of threads, each taking the next
// split in order, running it and offering its result; the first error stops the others.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "exec/progress.h"
#include "outcore/predict.h"
#include "outcore/predict_run.h"

namespace outcore {

std::atomic<bool>& PredictInterrupt() {
  static std::atomic<bool> flag{false};
  return flag;
}

PredictReport Predict(const Model& model, const std::string& model_path,
                      const std::vector<std::string>& inputs, const std::vector<std::string>& keep,
                      const PredictOptions& options) {
  PredictRun run(model, model_path, inputs, keep, options);
  const std::vector<Split> todo = run.Start();
  if (todo.empty()) return run.Finish(run.threads());

  // Progress counts input bytes read (for Parquet, of the projected column chunks only, so
  // its line ends short of 100%).
  SplitProgress live;
  live.bytes = run.reused_bytes();
  std::atomic<size_t> next{0};
  const int threads = std::min<int>(run.threads(), static_cast<int>(todo.size()));
  std::atomic<int> running{threads};
  auto worker = [&] {
    for (;;) {
      size_t i = next++;
      if (i >= todo.size() || live.cancel) break;
      try {
        run.Offer(RunSplit(model, todo[i], run.output(), 1, &live));
      } catch (...) {
        run.Fail(std::current_exception());
        live.cancel = true;
      }
    }
    --running;
  };
  ProgressLine progress(options.progress, run.total_bytes(), &live);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  while (running > 0) {
    if (PredictInterrupt()) live.cancel = true;
    progress.Draw();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& t : pool) t.join();
  progress.Clear();
  return run.Finish(run.threads());
}

}  // namespace outcore
