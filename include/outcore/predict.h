#pragma once
/// Scoring: run_split (the unit of work, callable from any process) and the local executor.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "outcore/model.h"
#include "outcore/option_text.h"
#include "outcore/sink.h"
#include "outcore/source.h"

namespace outcore {

/// Live counters a run_split updates as it goes (for progress lines); may be null.
struct SplitProgress {
  std::atomic<int64_t> bytes{0};
  std::atomic<int64_t> rows{0};
  /// Set to ask running splits to stop at the next batch (they throw kIO "interrupted").
  std::atomic<bool> cancel{false};
};

/// Reads one split, runs the model on it and writes its part under a temporary name unique
/// to `attempt`. Does not make the part visible: Sink::Commit does. On error the temporary file
/// is removed and the error rethrown.
SplitResult RunSplit(const Model& model, const Split& split, const OutputSpec& output,
                     int64_t attempt, SplitProgress* progress = nullptr);

/// The split size "auto" chooses for inputs of `total_bytes` (-1: unknown, e.g. a PostgreSQL
/// table): a sixteenth of them, from 8 MB to 64 MB, so that a medium input is cut in enough
/// splits to keep every core busy to the end and a big one in parts of 64 MB. It depends on
/// the inputs alone (not on the threads), so that a resumed or distributed run plans the same.
int64_t AutoSplitSize(int64_t total_bytes);

/// Options of a whole local run.
struct PredictOptions {
  OutputSpec output;
  int threads = 0;                   // 0 = all cores
  int64_t split_size = 0;            // bytes of input per split; 0 = AutoSplitSize of the inputs
  int64_t memory_limit = 0;          // 0 = default; bounds batch size × threads
  Sink::Mode mode = Sink::Mode::kFresh;
  std::string reject_path;           // with BadRowPolicy::kReject
  bool progress = false;             // draw a progress line on stderr
  OptionStyle style = OptionStyle::kFlags;  // how messages name the options
  std::vector<std::pair<std::string, std::string>> renames;  // --rename OLD=NEW
};

/// Set from a signal handler (SIGINT, SIGTERM) to stop a running Predict at the next batch:
/// committed parts stay, the run fails with "interrupted", and --resume finishes it.
std::atomic<bool>& PredictInterrupt();

/// Totals of a run, as written in the _SUCCESS manifest.
struct PredictReport {
  int64_t splits = 0, parts_reused = 0;
  Json parts_redone = Json::array();  // Sink::Redone(): recorded parts found missing or changed
  int64_t rows_in = 0, rows_out = 0, rows_rejected = 0, rows_missing_features = 0;
  int64_t bytes_in = 0;
  TransformStats drift;
  double seconds = 0, parse_s = 0, transform_s = 0, score_s = 0, write_s = 0;
  Json manifest;  // the _SUCCESS contents
};

/// The _SUCCESS manifest of a run whose `results[i]` is the committed attempt of `splits[i]`
/// (totals, parts, drift, timings). `executor`, when not null, names who ran the splits
/// (e.g. {"kind": "dask", "workers": 2}).
Json PredictManifest(const Model& model, const std::string& model_path,
                     const std::vector<std::string>& inputs, const OutputSpec& output,
                     int64_t split_size, const std::vector<Split>& splits,
                     const std::vector<SplitResult>& results, double seconds, int threads,
                     const Json& executor = Json());

/// Checks the inputs against the model, plans splits, runs them on all threads, commits each
/// part atomically and writes OUTDIR/_SUCCESS last: a PredictRun (predict_run.h) whose splits
/// run on a local thread pool.
/// `keep` names the columns to copy into the output.
PredictReport Predict(const Model& model, const std::string& model_path,
                      const std::vector<std::string>& inputs, const std::vector<std::string>& keep,
                      const PredictOptions& options);

/// Plans the inputs into splits after checking each input's columns against the model.
/// `keep` names columns to copy; their types are filled in from the first input. With `run`
/// (a predict run's output spec), inputs are read with its `read` overrides and each model
/// and kept column is matched to an input column (MatchColumns), the matches set in
/// run->columns; without it, with the model's read options and by exact name.
std::vector<Split> PlanSplits(const Model& model, const std::vector<std::string>& inputs,
                              int64_t split_size, Schema* keep, OutputSpec* run = nullptr,
                              const std::vector<std::pair<std::string, std::string>>& renames = {});

/// The input columns that `wanted` (the model's columns, then the kept ones) are read from:
/// after `renames` (OLD=NEW: input column OLD is NEW), the column of the same name; else the
/// one column equal to it ignoring case. Only those read under another name are returned. A
/// rename whose OLD is not in `found`, or a name that two columns match ignoring case, is a
/// kSchema error beginning with `input`; a name with no match is left to the caller.
std::vector<ColumnMatch> MatchColumns(const std::vector<std::string>& wanted, const Schema& found,
                                      const std::vector<std::pair<std::string, std::string>>& renames,
                                      const std::string& input);
/// The input column `name` (a model or kept column) is read from in a run writing `output`.
std::string InputColumnOf(const OutputSpec& output, const std::string& name);
/// The read options a run reads its inputs with: the model's with the run's --read overrides,
/// per-column ones (dtype, parse_dates, date_format) under the input's names of matched columns.
ReadOptions RunReadOptions(const Model& model, const OutputSpec& output);

}  // namespace outcore
