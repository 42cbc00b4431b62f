// The local executor: check inputs, plan splits, run them on all cores, commit parts
// atomically, write _SUCCESS last. Resumable: complete parts of an interrupted run are kept.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "exec/progress.h"
#include "exec/resume.h"
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/postgres.h"
#include "outcore/predict.h"

namespace outcore {
namespace {

using Clock = std::chrono::steady_clock;

std::string Columns(const Schema& s) {
  std::string out;
  for (const auto& f : s.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// Checks an input against the model before any row is scored: every trained column must be
// in the header, and a sample (the input's first split of ~1 MB) must mostly read as the
// trained types. A column where more sampled values fail than parse was written with another
// type: that is a schema error naming both. Occasional bad values are left to --on-bad-rows.
// `input` is as shown in messages (a URI without its password).
void CheckInput(const Model& model, const std::string& input, Source* source, const Schema& found,
                const Split* first) {
  for (const auto& f : model.input_schema.fields())
    if (found.IndexOf(f.name) < 0)
      Fail(ErrorCode::kSchema, input + ": column '" + f.name + "' (trained as " +
                                   std::string(TypeName(f.type)) + ") is missing; the input has: " +
                                   Columns(found));
  if (!first) return;  // no rows
  ScanOptions scan;
  scan.columns = model.input_schema;
  scan.on_bad_rows = BadRowPolicy::kReject;
  scan.batch_rows = 2048;
  auto reader = source->Open(*first, scan);
  Batch batch;
  for (int i = 0; i < 5 && reader->Next(&batch); ++i) {  // ~10k rows
  }
  std::map<std::string, std::pair<int64_t, std::string>> failures;  // column -> count, a value
  for (const auto& r : reader->stats().rejects) {
    // reason: column 'X': cannot parse 'V' as TYPE
    size_t a = r.reason.find("column '"), b = r.reason.find("': cannot parse '");
    if (a != 0 || b == std::string::npos) continue;
    auto& [count, example] = failures[r.reason.substr(8, b - 8)];
    if (count++ == 0) example = r.reason.substr(b + 17, r.reason.rfind("' as ") - (b + 17));
  }
  for (const auto& [column, failed] : failures) {
    if (failed.first <= reader->stats().rows_read) continue;
    int i = model.input_schema.IndexOf(column);
    if (i < 0) continue;
    Fail(ErrorCode::kSchema, input + ": column '" + column + "' holds values like '" + failed.second +
                                 "' that cannot be read as " +
                                 std::string(TypeName(model.input_schema.field(i).type)) +
                                 ", the type the model was trained on (" + std::to_string(failed.first) +
                                 " of the first " + std::to_string(failed.first + reader->stats().rows_read) +
                                 " rows)");
  }
}

}  // namespace

Json RunIdentity(const Model& model, const std::vector<std::string>& inputs, const OutputSpec& output,
                 int64_t split_size, size_t splits) {
  Json files = Json::array();
  for (const auto& in : inputs) {
    if (IsPostgresUri(in)) {
      files.push_back({{"path", RedactPostgresUri(in)}, {"table", PostgresInputSignature(in)}});
      continue;
    }
    struct stat st{};
    stat(in.c_str(), &st);
    files.push_back({{"path", in}, {"bytes", static_cast<int64_t>(st.st_size)},
                     {"mtime", static_cast<int64_t>(st.st_mtime)}});
  }
  Json out = Json::parse(output.ToJson());
  out.erase("dir");
  return {{"model_fingerprint", model.fingerprint}, {"inputs", files}, {"split_size", split_size},
          {"output", out}, {"splits", splits}};
}

std::atomic<bool>& PredictInterrupt() {
  static std::atomic<bool> flag{false};
  return flag;
}

std::string InputFormat(const std::string& input) {
  if (IsPostgresUri(input)) return "postgres";
  if (input.ends_with(".parquet") || input.ends_with(".pq")) return "parquet";
  return "csv";
}

std::unique_ptr<Source> MakeSource(const std::string& format, const ReadOptions& read) {
  if (format == "csv") return MakeCsvSource(read);
  if (format == "parquet") return MakeParquetSource(read);
  if (format == "postgres") return MakePostgresSource(read);
  Fail(ErrorCode::kUsage, "input format '" + format + "' is not supported yet (CSV is)");
}

std::vector<Split> PlanSplits(const Model& model, const std::vector<std::string>& inputs,
                              int64_t split_size, Schema* keep) {
  std::vector<Split> splits;
  Schema keep_names = *keep;
  *keep = Schema();
  for (const auto& input : inputs) {
    std::unique_ptr<Source> source = MakeSource(InputFormat(input), model.read);
    Schema found = source->InspectSchema(input);
    std::vector<Split> planned = source->Plan({input}, split_size, static_cast<int64_t>(splits.size()));
    const std::string shown = RedactPostgresUri(input);
    CheckInput(model, shown, source.get(), found, planned.empty() ? nullptr : &planned.front());
    for (const auto& k : keep_names.fields()) {
      int i = found.IndexOf(k.name);
      if (i < 0)
        Fail(ErrorCode::kSchema, shown + ": --keep column '" + k.name + "' is not in the input (columns: " +
                                     Columns(found) + ")");
      if (keep->IndexOf(k.name) < 0) {
        int trained = model.input_schema.IndexOf(k.name);
        keep->Add(trained >= 0 ? model.input_schema.field(trained) : found.field(i));
      }
    }
    for (auto& s : planned) splits.push_back(std::move(s));
  }
  return splits;
}

PredictReport Predict(const Model& model, const std::string& model_path,
                      const std::vector<std::string>& raw_inputs, const std::vector<std::string>& keep,
                      const PredictOptions& options) {
  auto t_start = Clock::now();
  PredictOptions o = options;
  OutputSpec& out = o.output;
  int threads = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  if (o.memory_limit > 0) {
    // Rows in flight per thread: a batch through reader, steps and writer, ~1 KB per row.
    int64_t per_thread = o.memory_limit / threads - (16LL << 20);
    out.batch_rows = std::clamp<int64_t>(per_thread / 1024, 1024, 65536);
    out.writer.row_group_rows = std::clamp<int64_t>(per_thread / 64, 16384, out.writer.row_group_rows);
  }

  std::vector<std::string> inputs = ExpandInputs(raw_inputs);
  Schema keep_schema;
  for (const auto& k : keep) keep_schema.Add({k, DataType::kString});
  std::vector<Split> splits = PlanSplits(model, inputs, o.split_size, &keep_schema);
  out.keep = keep_schema;
  Json identity = RunIdentity(model, inputs, out, o.split_size, splits.size());

  // The destination: fresh, resumed or overwritten (only now, once the inputs are known good).
  std::unique_ptr<Sink> sink = OpenSink(out);
  PredictReport report;
  report.splits = static_cast<int64_t>(splits.size());
  bool complete = false;
  std::vector<SplitResult> reused = sink->Prepare(o.mode, identity, &complete);
  report.parts_redone = sink->Redone();
  if (complete) {
    report.manifest = sink->Manifest();
    report.parts_reused = report.splits;  // every part checked and kept
    report.manifest["totals"]["parts_reused"] = report.parts_reused;
    report.manifest["totals"]["parts_redone"] = 0;
    report.manifest["parts_redone"] = Json::array();
    return report;
  }
  std::vector<std::optional<SplitResult>> results(splits.size());
  for (auto& r : reused) {
    for (size_t i = 0; i < splits.size(); ++i)
      if (splits[i].ordinal == r.ordinal) results[i] = std::move(r), ++report.parts_reused;
  }

  // Work: each thread takes the next split in order, runs it, records it, commits the part.
  // Progress counts input bytes read (for Parquet, of the projected column chunks only, so
  // its line ends short of 100%).
  int64_t total_bytes = 0, reused_bytes = 0;
  for (const auto& in : inputs)
    if (in.find("://") == std::string::npos) total_bytes += FileSize(in);
  for (const auto& r : results)
    if (r) reused_bytes += r->bytes_in;
  SplitProgress live;
  live.bytes = reused_bytes;
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr first_error;
  std::atomic<int> running{threads};
  auto worker = [&] {
    for (;;) {
      size_t i = next++;
      if (i >= splits.size() || live.cancel) break;
      if (results[i]) continue;
      try {
        SplitResult r = RunSplit(model, splits[i], out, 1, &live);
        try {
          sink->Commit(r);
        } catch (...) {
          sink->Abort(r);  // e.g. its record found the disk full: no temporary part is left
          throw;
        }
        std::lock_guard<std::mutex> lock(mu);
        results[i] = std::move(r);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error) first_error = std::current_exception();
        live.cancel = true;
      }
    }
    --running;
  };
  ProgressLine progress(o.progress, total_bytes, &live);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  while (running > 0) {
    if (PredictInterrupt()) live.cancel = true;
    progress.Draw();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& t : pool) t.join();
  progress.Clear();
  size_t done = 0;
  for (const auto& r : results) done += r.has_value();
  if (first_error || done != splits.size()) {
    std::string status = std::to_string(done) + " of " + std::to_string(splits.size()) +
                         " parts are complete in " + RedactPostgresUri(out.dir) +
                         "; run again with --resume to finish";
    try {
      if (first_error) std::rethrow_exception(first_error);
      Fail(ErrorCode::kIO, "interrupted");
    } catch (const Error& e) {
      std::string what = e.what();
      // A bad row stopped the run: --resume may also change the policy, keeping those parts.
      if (e.code() == ErrorCode::kInvalidInput && out.on_bad_rows == BadRowPolicy::kStop)
        status += ", adding --on-bad-rows skip or reject=FILE";
      bool multiline = what.find('\n') != std::string::npos;
      Fail(e.code(), what + (multiline ? "\n  (" : " (") + status + ")");
    }
  }

  // Rejects, then the manifest; the report's totals are the manifest's.
  std::vector<SplitResult> committed;
  std::vector<RejectedRow> rejects;
  for (auto& r : results) {
    rejects.insert(rejects.end(), r->rejects.begin(), r->rejects.end());
    committed.push_back(std::move(*r));
  }
  if (out.on_bad_rows == BadRowPolicy::kReject && !o.reject_path.empty())
    WriteRejects(o.reject_path, rejects, false);
  report.seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
  report.manifest = PredictManifest(model, model_path, inputs, out, o.split_size, splits, committed,
                                    report.seconds, threads);
  Json& totals = report.manifest["totals"];
  totals["parts_reused"] = report.parts_reused;
  totals["parts_redone"] = report.parts_redone.size();
  report.manifest["parts_redone"] = report.parts_redone;
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
  sink->Finish(report.manifest);
  report.manifest = sink->Manifest();  // as written: a file sink adds each part's checksum
  return report;
}

}  // namespace outcore
