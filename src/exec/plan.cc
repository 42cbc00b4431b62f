// Planning a predict run: check each input against the model, cut the inputs into splits,
// and describe the run for --resume. Whoever runs the splits plans them here (PredictRun).
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "exec/resume.h"
#include "io/file_util.h"
#include "io/input_file.h"
#include "outcore/error.h"
#include "outcore/postgres.h"
#include "outcore/predict.h"

namespace outcore {
namespace {

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
                                   found.Names());
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
    if (!r.bad) continue;  // a ragged row says nothing about a column's type
    auto& [count, example] = failures[r.bad->column];
    if (count++ == 0) example = r.bad->value;
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
    if (IsS3Uri(in)) {
      const InputStamp stamp = StampInput(in);
      files.push_back({{"path", in}, {"bytes", stamp.size}, {"etag", stamp.version}});
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

int64_t AutoSplitSize(int64_t total_bytes) {
  constexpr int64_t kMin = int64_t{8} << 20, kMax = int64_t{64} << 20;
  if (total_bytes < 0) return kMax;
  return std::clamp<int64_t>(total_bytes / 16, kMin, kMax);
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
                                     found.Names() + ")");
      if (keep->IndexOf(k.name) < 0) {
        int trained = model.input_schema.IndexOf(k.name);
        keep->Add(trained >= 0 ? model.input_schema.field(trained) : found.field(i));
      }
    }
    for (auto& s : planned) splits.push_back(std::move(s));
  }
  return splits;
}

}  // namespace outcore
