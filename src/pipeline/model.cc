// The model file: JSON, schema in docs/model-format.md. Loading validates and runs no code.
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/model.h"

namespace outcore {
namespace {

[[noreturn]] void Bad(const std::string& what) { Fail(ErrorCode::kModel, "model file: " + what); }

const Json& Need(const Json& obj, const char* key, Json::value_t type, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key)) Bad(where + ": missing '" + key + "'");
  const Json& v = obj[key];
  bool ok = v.type() == type ||
            (type == Json::value_t::number_float && v.is_number()) ||
            (type == Json::value_t::number_integer && v.is_number_integer());
  if (!ok) Bad(where + ": '" + key + "' has the wrong type (" + v.type_name() + ")");
  return v;
}

Json ReadOptionsToJson(const ReadOptions& r) {
  Json dtypes = Json::object();
  for (auto& [k, v] : r.dtypes) dtypes[k] = std::string(TypeName(v));
  return {{"delimiter", std::string(1, r.delimiter)}, {"header", r.header},
          {"na_values", r.na_values}, {"parse_dates", r.parse_dates},
          {"dtype", dtypes}, {"infer_rows", r.infer_rows}};
}

ReadOptions ReadOptionsFromJson(const Json& j) {
  ReadOptions r;
  const std::string where = "read_options";
  std::string delim = Need(j, "delimiter", Json::value_t::string, where);
  if (delim.size() != 1) Bad("read_options: delimiter must be one character");
  r.delimiter = delim[0];
  r.header = Need(j, "header", Json::value_t::boolean, where);
  r.na_values.clear();
  for (const auto& v : Need(j, "na_values", Json::value_t::array, where)) {
    if (!v.is_string()) Bad("read_options: na_values must be strings");
    r.na_values.push_back(v);
  }
  for (const auto& v : Need(j, "parse_dates", Json::value_t::array, where)) {
    if (!v.is_string()) Bad("read_options: parse_dates must be strings");
    r.parse_dates.push_back(v);
  }
  for (auto& [k, v] : Need(j, "dtype", Json::value_t::object, where).items()) {
    auto t = v.is_string() ? ParseTypeName(v.get<std::string>()) : std::nullopt;
    if (!t) Bad("read_options: dtype of '" + k + "' is not a type");
    r.dtypes[k] = *t;
  }
  r.infer_rows = Need(j, "infer_rows", Json::value_t::number_integer, where);
  return r;
}

Json SchemaToJson(const Schema& s) {
  Json out = Json::array();
  for (const auto& f : s.fields()) out.push_back({{"name", f.name}, {"type", TypeName(f.type)}});
  return out;
}

Field FieldFromJson(const Json& j, const std::string& where) {
  std::string name = Need(j, "name", Json::value_t::string, where);
  std::string type = Need(j, "type", Json::value_t::string, where);
  auto t = ParseTypeName(type);
  if (!t) Bad(where + ": unknown type '" + type + "' of column '" + name + "'");
  return {name, *t};
}

std::string NowIso8601() {
  time_t now = time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Json ModelToJson(const Model& m) {
  Json steps = Json::array();
  for (const auto& s : m.pipeline.steps)
    steps.push_back({{"kind", s->kind()}, {"params", s->params()}, {"state", s->SaveState()}});
  const Estimator& e = *m.pipeline.estimator;
  return {
      {"format", Model::kFormat},
      {"format_version", std::to_string(Model::kFormatMajor) + "." + std::to_string(Model::kFormatMinor)},
      {"outcore_version", m.outcore_version.empty() ? OUTCORE_VERSION : m.outcore_version},
      {"created", m.created.empty() ? NowIso8601() : m.created},
      {"read_options", ReadOptionsToJson(m.read)},
      {"input_schema", SchemaToJson(m.input_schema)},
      {"target",
       {{"expression", m.target.expression},
        {"column", m.target.column},
        {"type", TypeName(m.target_field.type)},
        {"classes", m.target.classes}}},
      {"steps", steps},
      {"estimator",
       {{"kind", e.kind()}, {"params", e.params()}, {"state", e.SaveState()}, {"fit_info", e.FitInfo()}}},
      {"feature_names", m.pipeline.feature_names},
      {"training", m.training.is_null() ? Json::object() : m.training},
      {"metrics", m.metrics.is_null() ? Json::object() : m.metrics},
  };
}

Model ModelFromJson(const Json& j) {
  if (!j.is_object()) Bad("not a JSON object");
  if (!j.contains("format") || j["format"] != Model::kFormat)
    Bad("'format' is not \"" + std::string(Model::kFormat) + "\": not an outcore model");
  std::string version = Need(j, "format_version", Json::value_t::string, "top level");
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2)
    Bad("format_version '" + version + "' is not MAJOR.MINOR");
  if (major != Model::kFormatMajor)
    Bad("format_version " + version + " is not supported (this outcore reads " +
        std::to_string(Model::kFormatMajor) + ".x); use the outcore version that wrote it");

  Model m;
  m.outcore_version = Need(j, "outcore_version", Json::value_t::string, "top level");
  m.created = Need(j, "created", Json::value_t::string, "top level");
  m.read = ReadOptionsFromJson(Need(j, "read_options", Json::value_t::object, "top level"));
  for (const auto& f : Need(j, "input_schema", Json::value_t::array, "top level"))
    m.input_schema.Add(FieldFromJson(f, "input_schema"));

  const Json& t = Need(j, "target", Json::value_t::object, "top level");
  try {
    m.target = Target::Parse(Need(t, "expression", Json::value_t::string, "target"));
  } catch (const Error& e) {
    Bad(e.what());
  }
  m.target_field = {m.target.column, DataType::kF64};
  if (auto type = ParseTypeName(Need(t, "type", Json::value_t::string, "target").get<std::string>()))
    m.target_field.type = *type;
  m.target.classes.clear();
  for (const auto& c : Need(t, "classes", Json::value_t::array, "target")) {
    if (!c.is_string()) Bad("target: classes must be strings");
    m.target.classes.push_back(c);
  }

  try {
    for (const auto& s : Need(j, "steps", Json::value_t::array, "top level")) {
      std::string kind = Need(s, "kind", Json::value_t::string, "steps");
      auto step = MakeStep(kind, Need(s, "params", Json::value_t::object, "step " + kind));
      step->LoadState(Need(s, "state", Json::value_t::object, "step " + kind));
      m.pipeline.steps.push_back(std::move(step));
    }
    const Json& e = Need(j, "estimator", Json::value_t::object, "top level");
    std::string kind = Need(e, "kind", Json::value_t::string, "estimator");
    m.pipeline.estimator = MakeEstimator(kind, Need(e, "params", Json::value_t::object, "estimator"));
    m.pipeline.estimator->LoadState(Need(e, "state", Json::value_t::object, "estimator"));
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kModel && std::string(e.what()).rfind("model file:", 0) == 0) throw;
    Bad(e.what());
  }
  for (const auto& f : Need(j, "feature_names", Json::value_t::array, "top level")) {
    if (!f.is_string()) Bad("feature_names must be strings");
    m.pipeline.feature_names.push_back(f);
  }
  Json state = m.pipeline.estimator->SaveState();
  if (state.contains("n_features") && state["n_features"] != m.pipeline.feature_names.size())
    Bad("the estimator has " + state["n_features"].dump() + " coefficients but feature_names lists " +
        std::to_string(m.pipeline.feature_names.size()));
  if (m.target.op.empty() && m.pipeline.estimator->is_classifier() && m.target.classes.size() != 2)
    Bad("target: a classifier needs two classes");
  m.training = j.value("training", Json::object());
  m.metrics = j.value("metrics", Json::object());
  return m;
}

void SaveModel(Model& model, const std::string& path) {
  // Top-level keys in reading order (format first), not alphabetical.
  Json j = ModelToJson(model);
  nlohmann::ordered_json ordered;
  for (const char* key : {"format", "format_version", "outcore_version", "created", "target",
                          "read_options", "input_schema", "steps", "estimator", "feature_names",
                          "training", "metrics"})
    ordered[key] = j[key];
  std::string text = ordered.dump(2) + "\n";
  WriteFileAtomically(path, text);
  model.fingerprint = HashHex(text);
}

Model LoadModel(const std::string& path, int64_t max_bytes) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) Fail(ErrorCode::kIO, path + ": cannot open model file");
  if (st.st_size > max_bytes)
    Fail(ErrorCode::kModel, path + ": model file is " + std::to_string(st.st_size) +
                                " bytes, over the " + std::to_string(max_bytes) + "-byte cap");
  std::string text = ReadFile(path);
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) Fail(ErrorCode::kModel, path + ": model file is not valid JSON");
  try {
    Model m = ModelFromJson(j);
    m.fingerprint = HashHex(text);
    return m;
  } catch (const Error& e) {
    Fail(e.code(), path + ": " + e.what());
  }
}

}  // namespace outcore
