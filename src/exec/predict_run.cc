// PredictRun: the one driver of a predict run. Plan, prepare the sink, commit each split's
// first reported attempt, then finish (rejects, manifest, _SUCCESS) or fail with how to resume.
// The local executor (executor.cc) and the Dask driver (python/outcore/dask.py) both use it.
#include "outcore/predict_run.h"

#include <algorithm>
#include <chrono>

#include "core/parallel.h"
#include "exec/progress.h"
#include "exec/resume.h"
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/postgres.h"

namespace outcore {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

PredictOptions ParsePredictOptions(const PredictRequest& r) {
  auto name = [&](const char* keyword) { return OptionName(r.style, keyword); };
  PredictOptions o;
  o.style = r.style;
  o.output.dir = r.output;
  if (r.format == "parquet") o.output.format = OutputFormat::kParquet;
  else if (r.format == "csv") o.output.format = OutputFormat::kCsv;
  else Fail(ErrorCode::kUsage, name("format") + ": expected parquet or csv, got '" + r.format + "'");
  if (r.compression == "zstd") o.output.writer.compression = Compression::kZstd;
  else if (r.compression == "snappy") o.output.writer.compression = Compression::kSnappy;
  else if (r.compression == "none") o.output.writer.compression = Compression::kNone;
  else Fail(ErrorCode::kUsage, name("compression") + ": expected zstd, snappy or none, got '" + r.compression + "'");
  o.output.label = r.label;
  ParseBadRows(r.on_bad_rows, name("on_bad_rows"), &o.output.on_bad_rows, &o.reject_path);
  o.threads = r.threads;
  o.split_size = r.split_size == "auto" ? 0 : ParseSize(r.split_size, name("split_size"));
  if (!r.memory_limit.empty()) o.memory_limit = ParseSize(r.memory_limit, name("memory_limit"));
  if (r.resume && r.overwrite)
    Fail(ErrorCode::kUsage, name("resume") + " and " + name("overwrite") + " exclude each other");
  o.mode = r.resume ? Sink::Mode::kResume : r.overwrite ? Sink::Mode::kOverwrite : Sink::Mode::kFresh;
  o.progress = r.progress;
  o.output.read = r.read;  // checked against the model's read options by PredictRun::Start
  for (const std::string& rename : r.rename) {
    const size_t eq = rename.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == rename.size())
      Fail(ErrorCode::kUsage, name("rename") + " " + rename + ": expected OLD=NEW (the input's column OLD is the "
                                                             "model's column NEW)");
    o.renames.emplace_back(rename.substr(0, eq), rename.substr(eq + 1));
  }
  return o;
}

PredictRun::PredictRun(const Model& model, std::string model_path, const std::vector<std::string>& inputs,
                       const std::vector<std::string>& keep, PredictOptions options)
    : model_(model), model_path_(std::move(model_path)), inputs_(ExpandInputs(inputs)), keep_(keep),
      options_(std::move(options)), output_(options_.output), start_(Now()),
      progress_(std::make_unique<PartProgress>()) {
  threads_ = ResolveThreads(options_.threads);
  if (options_.memory_limit > 0) {
    // Rows in flight per thread: a batch through reader, steps and writer, ~1 KB per row.
    int64_t per_thread = options_.memory_limit / threads_ - (16LL << 20);
    output_.batch_rows = std::clamp<int64_t>(per_thread / 1024, 1024, 65536);
    output_.writer.row_group_rows = std::clamp<int64_t>(per_thread / 64, 16384, output_.writer.row_group_rows);
  }
}

PredictRun::~PredictRun() = default;

std::vector<Split> PredictRun::Start() {
  Schema keep_schema;
  for (const auto& k : keep_) keep_schema.Add({k, DataType::kString});
  bool sized = true;  // every input's size is known
  for (const auto& in : inputs_) {
    if (in.find("://") == std::string::npos) {
      total_bytes_ += FileSize(in);
    } else {
      sized = false;
    }
  }
  if (options_.split_size <= 0) options_.split_size = AutoSplitSize(sized ? total_bytes_ : -1);
  // --read overrides, checked against the model's read options; delimiter=auto sniffed once, here.
  ReadOptions read = RunReadOptions(model_, output_);
  if (read.sniff_delimiter) {
    const std::string from = ResolveDelimiter(&read, inputs_);
    if (!from.empty()) sniffed_ = {{"file", from}, {"delimiter", std::string(1, read.delimiter)}};
    // Recorded (and sent to workers) as the delimiter chosen.
    std::erase_if(output_.read, [](const std::string& key_value) { return key_value.starts_with("delimiter="); });
    output_.read.push_back("delimiter=" + std::string(1, read.delimiter));
  }
  splits_ = PlanSplits(model_, inputs_, options_.split_size, &keep_schema, &output_, options_.renames);
  output_.keep = keep_schema;
  for (size_t i = 0; i < splits_.size(); ++i) index_[splits_[i].ordinal] = i;
  results_.assign(splits_.size(), std::nullopt);
  committing_.assign(splits_.size(), false);

  // The destination: fresh, resumed or overwritten (only now, once the inputs are known good).
  Json identity = RunIdentity(model_, inputs_, output_, options_.split_size, splits_.size());
  sink_ = OpenSink(output_);
  std::vector<SplitResult> reused = sink_->Prepare(options_.mode, identity, &complete_);
  parts_redone_ = sink_->Redone();
  if (complete_) return {};
  for (auto& r : reused) {
    auto at = index_.find(r.ordinal);
    if (at == index_.end()) continue;
    reused_bytes_ += r.bytes_in;
    ++parts_reused_;
    results_[at->second] = std::move(r);
  }
  progress_->Start(static_cast<int64_t>(splits_.size()), total_bytes_, parts_reused_, reused_bytes_);
  std::vector<Split> todo;
  for (size_t i = 0; i < splits_.size(); ++i)
    if (!results_[i]) todo.push_back(splits_[i]);
  return todo;
}

OutputSpec PredictRun::WorkerOutput() const {
  OutputSpec worker = output_;
  worker.dir = RedactPostgresUri(worker.dir);
  return worker;
}

bool PredictRun::Offer(const SplitResult& result) {
  size_t i = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto at = index_.find(result.ordinal);
    if (at == index_.end())
      outcore::Fail(ErrorCode::kInternal, "a result for split " + std::to_string(result.ordinal) +
                                              ", which this run does not have");
    i = at->second;
    if (results_[i] || committing_[i]) {
      ++discarded_;
      sink_->Discard(result);
      return false;
    }
    committing_[i] = true;
  }
  try {
    sink_->Commit(result);
  } catch (...) {
    sink_->Abort(result);  // e.g. its record found the disk full: no temporary part is left
    std::lock_guard<std::mutex> lock(mu_);
    committing_[i] = false;
    throw;
  }
  std::lock_guard<std::mutex> lock(mu_);
  committing_[i] = false;
  results_[i] = result;
  progress_->Add(result);
  return true;
}

std::string PredictRun::ProgressLine(const std::string& label, bool terminal) {
  std::lock_guard<std::mutex> lock(mu_);
  return progress_->Line(label, terminal);
}

void PredictRun::Fail(std::exception_ptr error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!error_) error_ = error;
}

bool PredictRun::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_ != nullptr;
}

void PredictRun::ThrowWithStatus(size_t done) {
  const bool keywords = options_.style == OptionStyle::kKeywords;
  std::string status = std::to_string(done) + " of " + std::to_string(splits_.size()) +
                       " parts are complete in " + RedactPostgresUri(output_.dir) + "; run again with " +
                       (keywords ? "resume=True (--resume)" : "--resume") + " to finish";
  try {
    if (error_) std::rethrow_exception(error_);
    outcore::Fail(ErrorCode::kIO, "interrupted");
  } catch (const Error& e) {
    std::string what = e.what();
    // A bad row stopped the run: --resume may also change the policy, keeping those parts.
    if (e.code() == ErrorCode::kInvalidInput && output_.on_bad_rows == BadRowPolicy::kStop)
      status += keywords ? ", adding on_bad_rows='skip' or 'reject=FILE'" : ", adding --on-bad-rows skip or reject=FILE";
    bool multiline = what.find('\n') != std::string::npos;
    outcore::Fail(e.code(), what + (multiline ? "\n  (" : " (") + status + ")");
  }
}

PredictReport PredictRun::Finish(int threads, Json executor) {
  PredictReport report;
  report.splits = static_cast<int64_t>(splits_.size());
  report.parts_redone = parts_redone_;
  if (complete_) {
    report.manifest = sink_->Manifest();
    report.parts_reused = report.splits;  // every part checked and kept
    report.manifest["totals"]["parts_reused"] = report.parts_reused;
    report.manifest["totals"]["parts_redone"] = 0;
    report.manifest["parts_redone"] = Json::array();
    return report;
  }
  size_t done = 0;
  bool failed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& r : results_) done += r.has_value();
    failed = error_ != nullptr;
  }
  int64_t leftovers = sink_->DiscardLeftovers();
  if (failed || done != splits_.size()) ThrowWithStatus(done);

  // Rejects, then the manifest; the report's totals are the manifest's.
  std::vector<SplitResult> committed;
  std::vector<RejectedRow> rejects;
  for (auto& r : results_) {
    rejects.insert(rejects.end(), r->rejects.begin(), r->rejects.end());
    committed.push_back(std::move(*r));
  }
  if (output_.on_bad_rows == BadRowPolicy::kReject && !options_.reject_path.empty())
    WriteRejects(options_.reject_path, rejects, false);
  if (executor.is_object()) executor["attempts_discarded"] = discarded_ + leftovers;
  report.parts_reused = parts_reused_;
  report.seconds = Now() - start_;
  report.manifest = PredictManifest(model_, model_path_, inputs_, output_, options_.split_size, splits_,
                                    committed, report.seconds, threads, executor);
  Json& totals = report.manifest["totals"];
  totals["parts_reused"] = report.parts_reused;
  totals["parts_redone"] = report.parts_redone.size();
  report.manifest["parts_redone"] = report.parts_redone;
  if (!sniffed_.is_null()) report.manifest["delimiter_sniffed"] = sniffed_;
  report.rows_in = totals["rows_in"];
  report.rows_out = totals["rows_out"];
  report.rows_rejected = totals["rows_rejected"];
  report.rows_missing_features = totals["rows_missing_features"];
  report.bytes_in = totals["bytes_in"];
  for (const SplitResult& r : committed) report.drift.Merge(r.drift);
  const Json& cpu = report.manifest["timings"]["cpu_seconds"];
  report.parse_s = cpu["parse"];
  report.transform_s = cpu["transform"];
  report.score_s = cpu["score"];
  report.write_s = cpu["write"];
  sink_->Finish(report.manifest);
  report.manifest = sink_->Manifest();  // as written: a file sink adds each part's checksum
  return report;
}

}  // namespace outcore
