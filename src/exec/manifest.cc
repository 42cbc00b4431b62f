// The _SUCCESS manifest of a predict run (format: docs/predict.md), built from the committed
// result of every split, whoever ran it (the local executor, or Dask workers).
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/postgres.h"
#include "outcore/predict.h"

namespace outcore {

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
  Json manifest = {
      {"format", "outcore-predict"},
      {"format_version", "1.0"},
      {"outcore_version", OUTCORE_VERSION},
      {"model", {{"path", model_path}, {"fingerprint", "xxh3:" + model.fingerprint}}},
      {"inputs", inputs_json},
      {"output", Json::parse(output.ToJson())},
      {"read_overrides", output.read},
      {"columns", ColumnsJson(output.columns)},
      {"split_size", split_size},
      {"parts", parts},
      {"totals",
       {{"parts", splits.size()},
        {"parts_reused", 0},
        {"parts_redone", 0},
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
  };
  if (!executor.is_null()) manifest["executor"] = executor;
  return manifest;
}


}  // namespace outcore
