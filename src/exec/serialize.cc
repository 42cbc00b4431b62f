// JSON forms of OutputSpec and SplitResult, so that a remote worker can run a split.
#include "outcore/error.h"
#include "outcore/predict.h"

namespace outcore {
namespace {

const char* CompressionName(Compression c) {
  return c == Compression::kZstd ? "zstd" : c == Compression::kSnappy ? "snappy" : "none";
}

Compression CompressionFromName(const std::string& s) {
  if (s == "zstd") return Compression::kZstd;
  if (s == "snappy") return Compression::kSnappy;
  if (s == "none") return Compression::kNone;
  Fail(ErrorCode::kUsage, "unknown compression '" + s + "' (known: zstd, snappy, none)");
}

}  // namespace

Json ColumnsJson(const std::vector<ColumnMatch>& columns) {
  Json out = Json::array();
  for (const auto& c : columns) out.push_back({{"name", c.name}, {"input", c.input}, {"by", c.by}});
  return out;
}

std::string OutputSpec::ToJson() const {
  Json keep_json = Json::array();
  for (const auto& f : keep.fields()) keep_json.push_back({{"name", f.name}, {"type", TypeName(f.type)}});
  return Json{{"dir", dir},
              {"format", format == OutputFormat::kParquet ? "parquet" : "csv"},
              {"compression", CompressionName(writer.compression)},
              {"row_group_rows", writer.row_group_rows},
              {"dictionary", writer.dictionary},
              {"delimiter", std::string(1, writer.delimiter)},
              {"keep", keep_json},
              {"label", label},
              {"on_bad_rows", on_bad_rows == BadRowPolicy::kStop ? "stop"
                              : on_bad_rows == BadRowPolicy::kSkip ? "skip" : "reject"},
              {"batch_rows", batch_rows},
              {"read", read},
              {"columns", ColumnsJson(columns)}}
      .dump();
}

OutputSpec OutputSpec::FromJson(const std::string& text) {
  Json j = Json::parse(text);
  OutputSpec o;
  o.dir = j.at("dir");
  o.format = j.at("format") == "csv" ? OutputFormat::kCsv : OutputFormat::kParquet;
  o.writer.compression = CompressionFromName(j.at("compression"));
  o.writer.row_group_rows = j.at("row_group_rows");
  o.writer.dictionary = j.at("dictionary");
  o.writer.delimiter = j.at("delimiter").get<std::string>().at(0);
  for (const auto& f : j.at("keep")) {
    auto type = ParseTypeName(f.at("type").get<std::string>());
    if (!type) Fail(ErrorCode::kUsage, "output spec: bad type of kept column");
    o.keep.Add({f.at("name"), *type});
  }
  o.label = j.at("label");
  std::string policy = j.at("on_bad_rows");
  o.on_bad_rows = policy == "skip" ? BadRowPolicy::kSkip
                  : policy == "reject" ? BadRowPolicy::kReject : BadRowPolicy::kStop;
  o.batch_rows = j.at("batch_rows");
  o.read = j.at("read").get<std::vector<std::string>>();
  for (const auto& c : j.at("columns")) o.columns.push_back({c.at("name"), c.at("input"), c.at("by")});
  return o;
}

Json SplitResult::ToJson() const {
  Json rejected = Json::array();
  for (const auto& r : rejects) rejected.push_back({r.path, r.line, r.reason});
  return {{"ordinal", ordinal}, {"temp_path", temp_path}, {"part", part_name},
          {"rows_in", rows_in}, {"rows_out", rows_out}, {"rows_rejected", rows_rejected},
          {"rows_missing_features", rows_missing_features}, {"bytes_in", bytes_in},
          {"drift", drift.counters}, {"rejects", rejected},
          {"seconds", {{"parse", parse_s}, {"transform", transform_s}, {"score", score_s}, {"write", write_s}}}};
}

SplitResult SplitResult::FromJson(const Json& j) {
  SplitResult r;
  r.ordinal = j.at("ordinal");
  r.temp_path = j.at("temp_path");
  r.part_name = j.at("part");
  r.rows_in = j.at("rows_in");
  r.rows_out = j.at("rows_out");
  r.rows_rejected = j.at("rows_rejected");
  r.rows_missing_features = j.at("rows_missing_features");
  r.bytes_in = j.at("bytes_in");
  for (auto& [k, v] : j.at("drift").items()) r.drift.counters[k] = v;
  // Only the text travels: the rejects file is all that is made of them after a split.
  for (const auto& e : j.at("rejects"))
    r.rejects.push_back({e.at(0), e.at(1), e.at(2), std::nullopt});
  const Json& s = j.at("seconds");
  r.parse_s = s.at("parse");
  r.transform_s = s.at("transform");
  r.score_s = s.at("score");
  r.write_s = s.at("write");
  return r;
}

}  // namespace outcore
