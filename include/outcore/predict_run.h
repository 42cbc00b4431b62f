#pragma once
/// PredictRun: one predict run, whoever runs its splits (the local thread pool, or Dask workers
/// through the Python package). It plans the inputs, prepares the sink, takes each split's
/// result as it arrives, and finishes the run, or fails it with how to resume.
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "outcore/option_text.h"
#include "outcore/predict.h"

namespace outcore {

class PartProgress;

/// The options of a predict run as a user writes them: CLI flags or Python keywords.
struct PredictRequest {
  std::string output;                 // a directory, or postgresql://...?table=NAME
  std::string format = "parquet";     // parquet or csv
  std::string compression = "zstd";   // zstd, snappy or none
  std::string split_size = "auto";    // "auto" (AutoSplitSize) or a size: 64MB, 1G
  std::string memory_limit;           // "" = the default
  std::string on_bad_rows = "stop";   // stop, skip or reject=FILE
  bool label = false, resume = false, overwrite = false, progress = false;
  int threads = 0;                    // 0 = all cores
  std::vector<std::string> read;      // KEY=VALUE overrides of the model's read options
  std::vector<std::string> rename;    // OLD=NEW: input column OLD is the model's column NEW
  OptionStyle style = OptionStyle::kFlags;
};

/// Checks a request's options; an error names the option as `request.style` spells it.
PredictOptions ParsePredictOptions(const PredictRequest& request);

class PredictRun {
 public:
  /// `inputs` as given (directories and globs are expanded); `keep` names the columns to copy.
  PredictRun(const Model& model, std::string model_path, const std::vector<std::string>& inputs,
             const std::vector<std::string>& keep, PredictOptions options);
  ~PredictRun();

  /// Checks the inputs against the model, plans them into splits and prepares the sink:
  /// fresh, overwritten, or resumed (the parts the interrupted run committed are checked and
  /// kept). Returns the splits still to run, in order; none when a resumed run had finished.
  std::vector<Split> Start();

  /// The spec each split runs with (batch size fit to the memory limit, kept columns typed).
  const OutputSpec& output() const { return output_; }
  /// The same for a worker in another process: a database URI without its password (workers
  /// connect with the credentials of their own environment).
  OutputSpec WorkerOutput() const;
  /// Worker threads of a local run (PredictOptions::threads, 0 resolved to all cores).
  int threads() const { return threads_; }
  /// Input bytes of all splits, and of the splits kept by a resume (for a progress line).
  int64_t total_bytes() const { return total_bytes_; }
  int64_t reused_bytes() const { return reused_bytes_; }

  /// Commits an attempt's part unless its split already has one; then the attempt is
  /// discarded (Dask may run a task twice). Returns whether it was committed. A commit that
  /// fails removes the attempt and throws. Safe to call from several threads.
  bool Offer(const SplitResult& result);
  /// For a driver whose splits run elsewhere (Dask): the progress line due after the parts
  /// committed so far, beginning with `label`, or "" when none is due. On a `terminal` (a
  /// line redrawn in place) every committed part gives one; off one, each new tenth of the
  /// input and the last part.
  std::string ProgressLine(const std::string& label, bool terminal);
  /// Records a failure of the run; the first one wins. Safe to call from several threads.
  void Fail(std::exception_ptr error);
  /// Whether a failure was recorded: the splits not yet started need not run.
  bool failed() const;

  /// Ends the run. After a failure, or with splits missing, removes the attempts that never
  /// reported and throws the first error (else "interrupted") followed by how many parts are
  /// complete and how to resume. Otherwise writes the rejects file and then the manifest
  /// (OUTDIR/_SUCCESS, or the ledger's 'complete' row of a table) and returns the totals.
  /// `threads` and `executor` (who ran the splits, e.g. {"kind": "dask", ...}, given
  /// "attempts_discarded" here) go into the manifest.
  PredictReport Finish(int threads, Json executor = Json());

 private:
  [[noreturn]] void ThrowWithStatus(size_t done);

  const Model& model_;
  std::string model_path_;
  std::vector<std::string> inputs_;
  std::vector<std::string> keep_;
  PredictOptions options_;
  OutputSpec output_;
  int threads_ = 1;
  double start_ = 0;  // steady-clock seconds at construction
  std::vector<Split> splits_;
  std::map<int64_t, size_t> index_;  // split ordinal -> its place in splits_
  std::unique_ptr<Sink> sink_;
  Json sniffed_;                     // delimiter=auto: {"file", "delimiter"} chosen
  bool complete_ = false;            // a resumed run that had already finished
  int64_t total_bytes_ = 0, reused_bytes_ = 0, parts_reused_ = 0;
  Json parts_redone_ = Json::array();

  mutable std::mutex mu_;            // guards what follows
  std::vector<std::optional<SplitResult>> results_;
  std::vector<bool> committing_;     // a commit of this split is under way
  int64_t discarded_ = 0;
  std::exception_ptr error_;
  std::unique_ptr<PartProgress> progress_;
};

}  // namespace outcore
