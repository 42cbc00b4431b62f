// Read options as JSON, and the _SUCCESS manifest of a run whose splits ran elsewhere (Dask).
// The manifest has the local executor's format (src/exec/executor.cc, docs/predict.md).
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/postgres.h"
#include "outcore/python_api.h"

namespace outcore {
namespace {

[[noreturn]] void Bad(const std::string& what) { Fail(ErrorCode::kModel, "read options: " + what); }

std::vector<std::string> Strings(const Json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) Bad(std::string("'") + key + "' must be a list of strings");
  for (const auto& v : j[key]) {
    if (!v.is_string()) Bad(std::string("'") + key + "' must be a list of strings");
    out.push_back(v);
  }
  return out;
}

}  // namespace

Json ReadOptionsToJson(const ReadOptions& r) {
  Json dtypes = Json::object();
  for (auto& [k, v] : r.dtypes) dtypes[k] = std::string(TypeName(v));
  return {{"delimiter", std::string(1, r.delimiter)},
          {"header", r.header},
          {"na_values", r.na_values},
          {"parse_dates", r.parse_dates},
          {"dtype", dtypes},
          {"infer_rows", r.infer_rows}};
}

// Every key is optional (defaults as in a spec's [read]); unknown keys are errors.
ReadOptions ReadOptionsFromJson(const Json& j) {
  ReadOptions r;
  if (j.is_null()) return r;
  if (!j.is_object()) Bad("must be an object");
  for (auto& [key, v] : j.items()) {
    if (key == "delimiter") {
      if (!v.is_string() || v.get<std::string>().size() != 1)
        Bad("'delimiter' must be one character");
      r.delimiter = v.get<std::string>()[0];
    } else if (key == "header") {
      if (!v.is_boolean()) Bad("'header' must be true or false");
      r.header = v;
    } else if (key == "na_values") {
      r.na_values = Strings(j, "na_values");
    } else if (key == "parse_dates") {
      r.parse_dates = Strings(j, "parse_dates");
    } else if (key == "infer_rows") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1)
        Bad("'infer_rows' must be a positive integer");
      r.infer_rows = v;
    } else if (key == "dtype") {
      if (!v.is_object()) Bad("'dtype' must map column names to type names");
      for (auto& [column, t] : v.items()) {
        auto type = t.is_string() ? ParseTypeName(t.get<std::string>()) : std::nullopt;
        if (!type)
          Bad("dtype of '" + column +
              "' is not a type (float, int, bool, string, category, datetime)");
        r.dtypes[column] = *type;
      }
    } else {
      Bad("unknown key '" + key +
          "' (known: delimiter, header, na_values, parse_dates, dtype, infer_rows)");
    }
  }
  return r;
}

Json PredictManifest(const Model& model, const std::string& model_path,
                     const std::vector<std::string>& inputs, const OutputSpec& output,
                     int64_t split_size, const std::vector<Split>& splits,
                     const std::vector<SplitResult>& results, double seconds, int threads,
                     const Json& executor) {
  if (splits.size() != results.size())
    Fail(ErrorCode::kInternal, "manifest: " + std::to_string(results.size()) + " results for " +
                                   std::to_string(splits.size()) + " splits");
  int64_t rows_in = 0, rows_out = 0, rows_rejected = 0, rows_missing = 0, bytes_in = 0;
  double parse_s = 0, transform_s = 0, score_s = 0, write_s = 0;
  TransformStats drift;
  Json parts = Json::array();
  for (size_t i = 0; i < splits.size(); ++i) {
    const SplitResult& r = results[i];
    if (r.ordinal != splits[i].ordinal)
      Fail(ErrorCode::kInternal, "manifest: result of split " + std::to_string(r.ordinal) +
                                     " given for split " + std::to_string(splits[i].ordinal));
    rows_in += r.rows_in;
    rows_out += r.rows_out;
    rows_rejected += r.rows_rejected;
    rows_missing += r.rows_missing_features;
    bytes_in += r.bytes_in;
    drift.Merge(r.drift);
    parse_s += r.parse_s;
    transform_s += r.transform_s;
    score_s += r.score_s;
    write_s += r.write_s;
    parts.push_back({{"file", r.part_name},
                     {"rows", r.rows_out},
                     {"rows_rejected", r.rows_rejected},
                     {"split", Json::parse(splits[i].ToJson())}});
  }
  Json inputs_json = Json::array();
  for (const auto& in : inputs)
    inputs_json.push_back(IsPostgresUri(in) ? Json{{"path", RedactPostgresUri(in)}}
                                            : Json{{"path", in}, {"bytes", FileSize(in)}});
  return {
      {"format", "outcore-predict"},
      {"format_version", "1.0"},
      {"outcore_version", OUTCORE_VERSION},
      {"model", {{"path", model_path}, {"fingerprint", "xxh3:" + model.fingerprint}}},
      {"inputs", inputs_json},
      {"output", Json::parse(output.ToJson())},
      {"split_size", split_size},
      {"parts", parts},
      {"totals",
       {{"parts", splits.size()},
        {"parts_reused", 0},
        {"rows_in", rows_in},
        {"rows_out", rows_out},
        {"rows_rejected", rows_rejected},
        {"rows_missing_features", rows_missing},
        {"bytes_in", bytes_in}}},
      {"drift", drift.counters},
      {"timings",
       {{"seconds", seconds},
        {"rows_per_second", seconds > 0 ? rows_out / seconds : 0.0},
        {"threads", threads},
        {"cpu_seconds",
         {{"parse", parse_s},
          {"transform", transform_s},
          {"score", score_s},
          {"write", write_s}}}}},
      {"executor", executor},
  };
}

void WritePredictManifest(const std::string& dir, const Json& manifest) {
  WriteFileAtomically(dir + "/_SUCCESS", manifest.dump(2) + "\n");
  SyncDirectory(dir);
}

}  // namespace outcore
