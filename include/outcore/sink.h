#pragma once
/// Where a run's parts go: the Sink (a directory of files, or a PostgreSQL table), the output
/// spec a run writes with, and the result of one split that a sink commits.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "outcore/io.h"
#include "outcore/part_writer.h"
#include "outcore/pipeline.h"

namespace outcore {

/// A model (or kept) column read from an input column of another name.
struct ColumnMatch {
  std::string name;   // as the model (or --keep) names it
  std::string input;  // as the input names it
  std::string by;     // "rename" (--rename input=name) or "case" (equal ignoring case)
  bool operator==(const ColumnMatch&) const = default;
};

/// Matched columns as JSON: [{"name", "input", "by"}] (output specs, manifests, summaries).
Json ColumnsJson(const std::vector<ColumnMatch>& columns);

/// Where and how a run writes its parts. Serialises to JSON for remote workers.
struct OutputSpec {
  std::string dir;
  OutputFormat format = OutputFormat::kParquet;
  WriterOptions writer;
  Schema keep;                    // input columns copied next to yhat, with their types
  bool label = false;             // the class instead of P(positive)
  BadRowPolicy on_bad_rows = BadRowPolicy::kStop;
  int64_t batch_rows = 65536;
  // How the inputs are read beyond the model's own read options (predict --read, --rename):
  std::vector<std::string> read;  // KEY=VALUE overrides, in order; delimiter=auto resolved
  std::vector<ColumnMatch> columns;  // model and kept columns read under another input name

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

/// Path of the temporary part of one attempt (TempPartName in the output directory).
std::string TempPartPath(const OutputSpec& output, int64_t ordinal, int64_t attempt);

/// The sink for an output spec: a directory, or a postgresql:// URI with ?table=.
std::unique_ptr<Sink> OpenSink(const OutputSpec& output);

}  // namespace outcore
