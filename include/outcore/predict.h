#pragma once
/// Scoring: run_split (the unit of work, callable from any process) and the local executor.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "outcore/io.h"
#include "outcore/model.h"
#include "outcore/option_text.h"
#include "outcore/output_names.h"
#include "outcore/sink.h"

namespace outcore {

/// Where and how a run writes its parts. Serialises to JSON for remote workers.
struct OutputSpec {
  std::string dir;
  OutputFormat format = OutputFormat::kParquet;
  WriterOptions writer;
  Schema keep;                    // input columns copied next to yhat, with their types
  bool label = false;             // the class instead of P(positive)
  BadRowPolicy on_bad_rows = BadRowPolicy::kStop;
  int64_t batch_rows = 65536;

  std::string ToJson() const;
  static OutputSpec FromJson(const std::string& json);
};

/// What one split did. Counters satisfy rows_in == rows_out + rows_rejected.
struct SplitResult {
  int64_t ordinal = 0;
  std::string temp_path;  // the finished part under its temporary name
  std::string part_name;  // its final name in the output directory
  int64_t rows_in = 0, rows_out = 0, rows_rejected = 0, rows_missing_features = 0;
  int64_t bytes_in = 0;
  TransformStats drift;
  std::vector<RejectedRow> rejects;
  // CPU seconds in each phase.
  double parse_s = 0, transform_s = 0, score_s = 0, write_s = 0;

  Json ToJson() const;
  static SplitResult FromJson(const Json& json);
};

/// Live counters a run_split updates as it goes (for progress lines); may be null.
struct SplitProgress {
  std::atomic<int64_t> bytes{0};
  std::atomic<int64_t> rows{0};
  /// Set to ask running splits to stop at the next batch (they throw kIO "interrupted").
  std::atomic<bool> cancel{false};
};

/// Where a run's parts go: a directory of files, or (later) a database table. What a part
/// writer writes is invisible until Commit; the run is complete only after Finish.
class Sink {
 public:
  enum class Mode { kFresh, kResume, kOverwrite };
  virtual ~Sink() = default;
  /// Readies the destination for a run described by `identity` (model, inputs, options).
  /// kFresh refuses a destination that holds anything; kOverwrite removes outcore's earlier
  /// output; kResume returns the parts a run with the same identity already committed (and
  /// refuses those of a different run). Sets *complete when that run had already finished.
  virtual std::vector<SplitResult> Prepare(Mode mode, const Json& identity, bool* complete) = 0;
  /// A writer for one attempt at a part. `result` gives the ordinal; its temp_path and
  /// part_name are filled in.
  virtual std::unique_ptr<PartWriter> OpenPart(SplitResult* result, int64_t attempt,
                                               const Schema& schema) = 0;
  /// Makes a finished attempt's part visible, atomically, and records its result.
  virtual void Commit(const SplitResult& result) = 0;
  /// Removes what an unfinished attempt wrote.
  virtual void Abort(const SplitResult& result) = 0;
  /// Removes what a finished attempt wrote when another attempt at its split was committed
  /// (a file's temporary part; a table's attempt replaced its split's rows, leaving nothing).
  virtual void Discard(const SplitResult& result) { (void)result; }
  /// Removes the parts of attempts that never reported (a killed worker's); returns how many.
  virtual int64_t DiscardLeftovers() { return 0; }
  /// Marks the run complete with its manifest (OUTDIR/_SUCCESS for files).
  virtual void Finish(const Json& manifest) = 0;
  /// The manifest of a finished run.
  virtual Json Manifest() = 0;
  /// The parts a kResume Prepare found recorded as committed but missing or changed (it does
  /// not return them: the run redoes them), as [{"part": NAME, "why": WHAT}].
  virtual Json Redone() const { return Json::array(); }
};

/// The sink for an output spec (a directory now; a database URI later).
std::unique_ptr<Sink> OpenSink(const OutputSpec& output);

/// Path of the temporary part of one attempt (TempPartName in the output directory).
std::string TempPartPath(const OutputSpec& output, int64_t ordinal, int64_t attempt);

/// Reads one split, runs the model on it and writes its part under a temporary name unique
/// to `attempt`. Does not make the part visible: Sink::Commit does. On error the temporary file
/// is removed and the error rethrown.
SplitResult RunSplit(const Model& model, const Split& split, const OutputSpec& output,
                     int64_t attempt, SplitProgress* progress = nullptr);

/// Options of a whole local run.
struct PredictOptions {
  OutputSpec output;
  int threads = 0;                   // 0 = all cores
  int64_t split_size = 64LL << 20;   // bytes of input per split
  int64_t memory_limit = 0;          // 0 = default; bounds batch size × threads
  Sink::Mode mode = Sink::Mode::kFresh;
  std::string reject_path;           // with BadRowPolicy::kReject
  bool progress = false;             // draw a progress line on stderr
  OptionStyle style = OptionStyle::kFlags;  // how messages name the options
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
/// `keep` names columns to copy; their types are filled in from the first input.
std::vector<Split> PlanSplits(const Model& model, const std::vector<std::string>& inputs,
                              int64_t split_size, Schema* keep);

/// The Source that reads a split or input of this format ("csv"; more in later versions).
std::unique_ptr<Source> MakeSource(const std::string& format, const ReadOptions& read);
/// The format of an input path or URI, from its extension or scheme.
std::string InputFormat(const std::string& input);

}  // namespace outcore
