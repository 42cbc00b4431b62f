// Planning a predict run: check each input against the model, cut the inputs into splits,
// and describe the run for --resume. Whoever runs the splits plans them here (PredictRun).
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
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
// in the header (under its own name, or the one `run` matched it to), and a sample (the
// input's first split of ~1 MB) must mostly read as the trained types. A column where more
// sampled values fail than parse was written with another type: that is a schema error naming
// both. Occasional bad values are left to --on-bad-rows. `input` is as shown in messages (a URI
// without its password).
void CheckInput(const Model& model, const OutputSpec& run, const std::string& input, Source* source,
                const Schema& found, const Split* first) {
  for (const auto& f : model.input_schema.fields()) {
    if (found.IndexOf(InputColumnOf(run, f.name)) >= 0) continue;
    // One column whose name holds another delimiter: the file is delimited differently.
    std::string hint;
    if (found.size() == 1 && found.field(0).name.find_first_of(";\t|,") != std::string::npos)
      hint = " (one column: is the file delimited by another character? --read delimiter=auto sniffs it)";
    Fail(ErrorCode::kSchema, input + ": column '" + f.name + "' (trained as " + std::string(TypeName(f.type)) +
                                 ") is missing; the input has: " + found.Names() + hint);
  }
  if (!first) return;  // no rows
  ScanOptions scan;
  for (const auto& f : model.input_schema.fields()) scan.columns.Add({InputColumnOf(run, f.name), f.type});
  scan.on_bad_rows = BadRowPolicy::kReject;
  scan.batch_rows = 2048;
  auto reader = source->Open(*first, scan);
  Batch batch;
  for (int i = 0; i < 5 && reader->Next(&batch); ++i) {  // ~10k rows
  }
  std::map<std::string, std::pair<int64_t, std::string>> failures;  // input column -> count, a value
  for (const auto& r : reader->stats().rejects) {
    if (!r.bad) continue;  // a ragged row says nothing about a column's type
    auto& [count, example] = failures[r.bad->column];
    if (count++ == 0) example = r.bad->value;
  }
  for (const auto& [column, failed] : failures) {
    if (failed.first <= reader->stats().rows_read) continue;
    int i = scan.columns.IndexOf(column);
    if (i < 0) continue;
    const Field& trained = model.input_schema.field(i);
    Fail(ErrorCode::kSchema, input + ": column '" + column + "'" +
                                 (column == trained.name ? "" : " (the model's '" + trained.name + "')") +
                                 " holds values like '" + failed.second + "' that cannot be read as " +
                                 std::string(TypeName(trained.type)) + ", the type the model was trained on (" +
                                 std::to_string(failed.first) + " of the first " +
                                 std::to_string(failed.first + reader->stats().rows_read) + " rows)");
  }
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
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

std::vector<ColumnMatch> MatchColumns(const std::vector<std::string>& wanted, const Schema& found,
                                      const std::vector<std::pair<std::string, std::string>>& renames,
                                      const std::string& input) {
  // The input's columns as the run sees them: (name after --rename, input column, renamed).
  struct Seen {
    std::string name, input;
    bool renamed;
  };
  std::vector<Seen> seen;
  for (const auto& f : found.fields()) seen.push_back({f.name, f.name, false});
  for (const auto& [old_name, new_name] : renames) {
    const int i = found.IndexOf(old_name);
    if (i < 0)
      Fail(ErrorCode::kSchema, input + ": --rename " + old_name + "=" + new_name + ": the input has no column '" +
                                   old_name + "' (columns: " + found.Names() + ")");
    if (found.IndexOf(new_name) >= 0 && new_name != old_name)
      Fail(ErrorCode::kSchema, input + ": --rename " + old_name + "=" + new_name + ": the input already has a column '" +
                                   new_name + "'");
    seen[i] = {new_name, old_name, true};
  }
  std::vector<ColumnMatch> matches;
  for (const std::string& name : wanted) {
    if (std::any_of(matches.begin(), matches.end(), [&](const ColumnMatch& m) { return m.name == name; })) continue;
    auto exact = std::find_if(seen.begin(), seen.end(), [&](const Seen& s) { return s.name == name; });
    if (exact != seen.end()) {
      if (exact->renamed) matches.push_back({name, exact->input, "rename"});
      continue;
    }
    std::vector<const Seen*> folded;
    for (const Seen& s : seen)
      if (Lower(s.name) == Lower(name)) folded.push_back(&s);
    if (folded.size() > 1)
      Fail(ErrorCode::kSchema, input + ": column '" + name + "' matches both '" + folded[0]->input + "' and '" +
                                   folded[1]->input + "' when case is ignored; say which with --rename " +
                                   folded[0]->input + "=" + name);
    if (folded.size() == 1) matches.push_back({name, folded[0]->input, folded[0]->renamed ? "rename" : "case"});
  }
  return matches;
}

std::string InputColumnOf(const OutputSpec& output, const std::string& name) {
  for (const auto& c : output.columns)
    if (c.name == name) return c.input;
  return name;
}

ReadOptions RunReadOptions(const Model& model, const OutputSpec& output) {
  ReadOptions read = model.read;
  if (!output.read.empty()) read = OverrideReadOptions(model.read, output.read, "--read", model.input_schema);
  for (const auto& c : output.columns) {
    if (auto it = read.dtypes.find(c.name); it != read.dtypes.end()) {
      const DataType type = it->second;
      read.dtypes.erase(it);
      read.dtypes[c.input] = type;
    }
    if (auto it = read.date_formats.find(c.name); it != read.date_formats.end()) {
      const std::string format = it->second;
      read.date_formats.erase(it);
      read.date_formats[c.input] = format;
    }
    for (auto& name : read.parse_dates)
      if (name == c.name) name = c.input;
  }
  return read;
}

std::vector<Split> PlanSplits(const Model& model, const std::vector<std::string>& inputs,
                              int64_t split_size, Schema* keep, OutputSpec* run,
                              const std::vector<std::pair<std::string, std::string>>& renames) {
  std::vector<Split> splits;
  Schema keep_names = *keep;
  *keep = Schema();
  OutputSpec exact;  // no overrides, every column under its own name
  std::vector<std::string> wanted;
  for (const auto& f : model.input_schema.fields()) wanted.push_back(f.name);
  for (const auto& k : keep_names.fields()) wanted.push_back(k.name);
  std::string first_input;
  for (const auto& input : inputs) {
    const std::string shown = RedactPostgresUri(input);
    OutputSpec unmatched = run ? *run : exact;
    unmatched.columns.clear();
    std::unique_ptr<Source> source = MakeSource(InputFormat(input), RunReadOptions(model, unmatched));
    Schema found = source->InspectSchema(input);
    if (run) {
      std::vector<ColumnMatch> matches = MatchColumns(wanted, found, renames, shown);
      if (first_input.empty()) {
        run->columns = matches;
      } else if (matches != run->columns) {
        Fail(ErrorCode::kSchema, shown + ": its columns match the model's differently from " + first_input + "'s (" +
                                     ColumnsJson(matches).dump() + " against " + ColumnsJson(run->columns).dump() +
                                     "); score them in separate runs");
      }
      first_input = shown;
      // Per-column read options follow the matched columns to their input names.
      if (!matches.empty()) source = MakeSource(InputFormat(input), RunReadOptions(model, *run));
    }
    const OutputSpec& names = run ? *run : exact;
    std::vector<Split> planned = source->Plan({input}, split_size, static_cast<int64_t>(splits.size()));
    CheckInput(model, names, shown, source.get(), found, planned.empty() ? nullptr : &planned.front());
    for (const auto& k : keep_names.fields()) {
      int i = found.IndexOf(InputColumnOf(names, k.name));
      if (i < 0)
        Fail(ErrorCode::kSchema, shown + ": --keep column '" + k.name + "' is not in the input (columns: " +
                                     found.Names() + ")");
      if (keep->IndexOf(k.name) < 0) {
        int trained = model.input_schema.IndexOf(k.name);
        keep->Add(trained >= 0 ? model.input_schema.field(trained) : Field{k.name, found.field(i).type});
      }
    }
    for (auto& s : planned) splits.push_back(std::move(s));
  }
  return splits;
}

}  // namespace outcore
