// The model file: JSON, schema in docs/model-format.md. Loading validates and runs no code.
// Every check names the JSON path of what it refuses ("steps[2].state.mean[0]"), and the caps
// apply while parsing, before anything big is kept (the file itself is read under a size cap).
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <set>

#include "io/convert.h"
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/model.h"

namespace outcore {
namespace {

// What a model file may hold. A real one nests 6 deep; its longest arrays are the feature
// names, coefficients and categories (one entry per feature or category value).
constexpr int kMaxDepth = 32;
constexpr size_t kMaxArrayEntries = size_t{1} << 20;
constexpr size_t kMaxValues = size_t{1} << 22;
constexpr size_t kMaxStringBytes = size_t{1} << 16;

[[noreturn]] void Bad(const std::string& where, const std::string& what) {
  Fail(ErrorCode::kModel, (where.empty() ? "top level" : where) + ": " + what);
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// What a JSON value is, for "expected a number, got a string".
std::string Kind(const Json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

// Parser callback: tracks where the parser is, to refuse deep nesting, long arrays, long
// strings and too many values as soon as they appear, naming the place.
class ParseGuard {
 public:
  bool operator()(int depth, Json::parse_event_t event, Json& parsed) {
    using E = Json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        Count();
        if (depth >= kMaxDepth)
          Bad(Path(), "nested deeper than " + std::to_string(kMaxDepth) + " levels");
        frames_.push_back({event == E::array_start, 0, ""});
        break;
      case E::key:
        CheckString(parsed, "a key");
        frames_.back().key = parsed.get<std::string>();
        break;
      case E::value:
        Count();
        if (parsed.is_string()) CheckString(parsed, "a string");
        break;
      case E::object_end:
      case E::array_end:
        frames_.pop_back();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool array;
    size_t entries;
    std::string key;
  };
  void Count() {
    if (++values_ > kMaxValues)
      Bad(Path(), "the file holds more than " + std::to_string(kMaxValues) + " JSON values");
    if (!frames_.empty() && frames_.back().array && ++frames_.back().entries > kMaxArrayEntries)
      Bad(Path(), "an array of more than " + std::to_string(kMaxArrayEntries) + " entries");
  }
  void CheckString(const Json& s, const char* what) {
    size_t bytes = s.get_ref<const std::string&>().size();
    if (bytes > kMaxStringBytes)
      Bad(Path(), what + std::string(" of ") + std::to_string(bytes) + " bytes, over the " +
                      std::to_string(kMaxStringBytes) + "-byte cap");
  }
  std::string Path() const {
    std::string out;
    for (const Frame& f : frames_) {
      if (f.array) out += "[" + std::to_string(f.entries - 1) + "]";
      else if (!f.key.empty()) out += (out.empty() ? "" : ".") + f.key;
    }
    return out;
  }
  std::vector<Frame> frames_;
  size_t values_ = 0;
};

// The file's bytes, refusing what is not a regular file or is over the cap before reading.
std::string ReadCapped(const std::string& path, int64_t max_bytes) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    Fail(ErrorCode::kIO, "cannot open model file: " + std::string(std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) Fail(ErrorCode::kIO, "not a regular file");
  if (st.st_size > max_bytes)
    Fail(ErrorCode::kModel, "model file is " + std::to_string(st.st_size) + " bytes, over the " +
                                std::to_string(max_bytes) + "-byte cap");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) Fail(ErrorCode::kIO, "cannot open model file: " + std::string(std::strerror(errno)));
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = std::fread(text.data(), 1, text.size(), f);
  bool more = std::fgetc(f) != EOF;  // grew since stat: refuse rather than read on
  std::fclose(f);
  if (got != text.size() || more) Fail(ErrorCode::kIO, "model file changed while being read");
  return text;
}

// Parses with the caps; says what the bytes look like when they are not JSON at all.
Json ParseCapped(const std::string& text) {
  const bool bom = text.compare(0, 3, "\xEF\xBB\xBF") == 0;
  const size_t first = text.find_first_not_of(" \t\r\n", bom ? 3 : 0);
  if (first == std::string::npos) Bad("", "the model file is empty");
  if (text[first] == '\x80')  // pickle protocols 2 to 5 begin with 0x80, the version, ...
    Bad("", "this is a Python pickle, not an outcore model (outcore reads only the JSON files "
            "`outcore fit` writes)");
  if (text[first] != '{')
    Bad("", "not an outcore model: a model file is a JSON object, starting with '{'");
  ParseGuard guard;
  try {
    return Json::parse(text, [&guard](int d, Json::parse_event_t e, Json& j) { return guard(d, e, j); });
  } catch (const Json::exception& e) {  // a syntax error, or a number too big for a double
    std::string what = e.what();  // "[json.exception.KIND] WHAT", then the token read: maybe megabytes
    size_t at = what.find("] ");
    Bad("", "not valid JSON: " + what.substr(at == std::string::npos ? 0 : at + 2, 300));
  }
}

// A value of the model file and its path there.
struct Node {
  const Json& json;
  std::string path;
  bool strict;  // refuse unknown keys (false for a newer minor version, whose keys we skip)

  [[noreturn]] void Fail(const std::string& why) const { Bad(path, why); }
  Node At(size_t i) const { return {json[i], path + "[" + std::to_string(i) + "]", strict}; }
  // A required member of the given type (number_float accepts any number).
  Node Get(const std::string& key, Json::value_t type) const {
    std::string where = path.empty() ? key : path + "." + key;
    if (!json.contains(key)) Fail("missing " + Quote(key));
    const Json& v = json[key];
    bool ok = v.type() == type || (type == Json::value_t::number_float && v.is_number()) ||
              (type == Json::value_t::number_integer && v.is_number_integer());
    if (!ok) Bad(where, "expected " + Kind(Json(type)) + ", got " + Kind(v));
    return {v, where, strict};
  }
  std::string String(const std::string& key) const {
    return Get(key, Json::value_t::string).json.get<std::string>();
  }
  int64_t Count(const std::string& key) const {
    Node n = Get(key, Json::value_t::number_integer);
    if (n.json.get<int64_t>() < 0 || (n.json.is_number_unsigned() && n.json.get<uint64_t>() > INT64_MAX))
      n.Fail("must be >= 0, got " + n.json.dump());
    return n.json.get<int64_t>();
  }
  // An array of strings; with `distinct`, none twice.
  std::vector<std::string> Strings(const std::string& key, bool distinct) const {
    Node list = Get(key, Json::value_t::array);
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (size_t i = 0; i < list.json.size(); ++i) {
      Node s = list.At(i);
      if (!s.json.is_string()) s.Fail("expected a string, got " + Kind(s.json));
      if (distinct && !seen.insert(s.json.get<std::string>()).second)
        s.Fail(Quote(s.json.get<std::string>()) + " is listed twice");
      out.push_back(s.json.get<std::string>());
    }
    return out;
  }
  void OnlyKeys(const std::vector<std::string>& known) const {
    if (!strict) return;
    for (const auto& [key, value] : json.items()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
      Fail("unknown key " + Quote(key) + " (known: " + names + ")");
    }
  }
};

// Runs fn; an outcore error from it becomes a model error with `where` in front.
template <typename Fn>
void Within(const std::string& where, Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    Fail(ErrorCode::kModel, where + e.what());  // whatever the part says, the file is at fault
  }
}

DataType TypeOf(const Node& n) {
  std::string name = n.json.get<std::string>();
  auto t = ParseTypeName(name);
  if (!t) n.Fail("unknown type " + Quote(name) + " (known: float, int, bool, datetime, string, category)");
  return *t;
}

Json ReadOptionsToJson(const ReadOptions& r) {
  if (r.sniff_delimiter)  // a model keeps the delimiter that was sniffed, never "auto"
    Fail(ErrorCode::kInternal, "read options with delimiter \"auto\" not yet sniffed");
  Json dtypes = Json::object();
  for (auto& [k, v] : r.dtypes) dtypes[k] = std::string(TypeName(v));
  Json j = {{"delimiter", std::string(1, r.delimiter)}, {"header", r.header},
            {"na_values", r.na_values}, {"parse_dates", r.parse_dates},
            {"dtype", dtypes}, {"infer_rows", r.infer_rows}};
  // Only when not the default, so that such a model reads as before in older versions.
  if (r.quote != ReadOptions().quote) j["quote"] = QuoteOptionText(r.quote);
  if (r.escape != ReadOptions().escape) j["escape"] = EscapeOptionText(r.escape);
  if (r.decimal != '.') j["decimal"] = std::string(1, r.decimal);
  if (r.thousands != '\0') j["thousands"] = std::string(1, r.thousands);
  if (!r.date_format.empty()) j["date_format"] = r.date_format;
  if (!r.date_formats.empty()) j["date_format"] = r.date_formats;
  return j;
}

ReadOptions ReadOptionsFromJson(const Node& j) {
  j.OnlyKeys({"delimiter", "quote", "escape", "header", "na_values", "parse_dates", "dtype",
              "infer_rows", "date_format", "decimal", "thousands"});
  ReadOptions r;
  std::string delim = j.String("delimiter");
  if (delim.size() != 1) j.Get("delimiter", Json::value_t::string).Fail("must be one character");
  r.delimiter = delim[0];
  if (j.json.contains("quote") && !ParseQuoteOption(j.String("quote"), &r.quote))
    j.Get("quote", Json::value_t::string).Fail("must be one character or \"none\"");
  if (j.json.contains("escape") && !ParseEscapeOption(j.String("escape"), &r.escape))
    j.Get("escape", Json::value_t::string).Fail("must be one character or \"\"");
  r.header = j.Get("header", Json::value_t::boolean).json.get<bool>();
  r.na_values = j.Strings("na_values", false);
  r.parse_dates = j.Strings("parse_dates", true);
  Node dtype = j.Get("dtype", Json::value_t::object);
  for (auto& [column, type] : dtype.json.items())
    r.dtypes[column] = TypeOf(dtype.Get(column, Json::value_t::string));
  r.infer_rows = j.Count("infer_rows");
  if (r.infer_rows < 1) j.Get("infer_rows", Json::value_t::number_integer).Fail("must be >= 1");
  for (const char* key : {"decimal", "thousands"}) {
    if (!j.json.contains(key)) continue;
    const std::string mark = j.String(key);
    if (mark.size() != 1) j.Get(key, Json::value_t::string).Fail("must be one character");
    (std::string(key) == "decimal" ? r.decimal : r.thousands) = mark[0];
  }
  if (r.decimal == r.thousands) j.Get("thousands", Json::value_t::string).Fail("must differ from decimal");
  // date_format: one format for every datetime column, or a table column = format.
  if (j.json.contains("date_format")) {
    const Json& f = j.json["date_format"];
    Node node = j.Get("date_format", f.is_string() ? Json::value_t::string : Json::value_t::object);
    auto check = [&](const Node& n, const std::string& format) {
      const std::string problem = DateFormatProblem(format);
      if (!problem.empty()) n.Fail(problem);
    };
    if (f.is_string()) {
      r.date_format = f.get<std::string>();
      check(node, r.date_format);
    } else {
      for (auto& [column, format] : f.items()) {
        Node one = node.Get(column, Json::value_t::string);
        r.date_formats[column] = format.get<std::string>();
        check(one, r.date_formats[column]);
      }
    }
  }
  return r;
}

Json SchemaToJson(const Schema& s) {
  Json out = Json::array();
  for (const auto& f : s.fields()) out.push_back({{"name", f.name}, {"type", TypeName(f.type)}});
  return out;
}

Schema SchemaFromJson(const Node& list) {
  Schema schema;
  for (size_t i = 0; i < list.json.size(); ++i) {
    Node f = list.At(i);
    if (!f.json.is_object()) f.Fail("expected {\"name\": ..., \"type\": ...}, got " + Kind(f.json));
    f.OnlyKeys({"name", "type"});
    std::string name = f.String("name");
    if (schema.IndexOf(name) >= 0) f.Get("name", Json::value_t::string).Fail(Quote(name) + " is listed twice");
    schema.Add({name, TypeOf(f.Get("type", Json::value_t::string))});
  }
  return schema;
}

void TargetFromJson(const Node& t, Model* m) {
  t.OnlyKeys({"expression", "column", "type", "classes"});
  const std::string expression = t.String("expression");
  Within(t.path + ".expression: ", [&] { m->target = Target::Parse(expression); });
  if (t.String("column") != m->target.column)
    t.Get("column", Json::value_t::string).Fail("is " + Quote(t.String("column")) +
                                                " but the expression reads " + Quote(m->target.column));
  m->target_field = {m->target.column, TypeOf(t.Get("type", Json::value_t::string))};
  m->target.classes = t.Strings("classes", true);
  const auto& classes = m->target.classes;
  if (classes.size() == 1 || classes.size() > static_cast<size_t>(Target::kMaxClasses))
    t.Get("classes", Json::value_t::array)
        .Fail("must be empty (a regressor) or 2 to " + std::to_string(Target::kMaxClasses) +
              " values (a classifier)");
  if (std::set<std::string>(classes.begin(), classes.end()).size() != classes.size())
    t.Get("classes", Json::value_t::array).Fail("lists a class twice");
  if (!m->target.op.empty() && !classes.empty() &&
      classes != std::vector<std::string>{"false", "true"})
    t.Get("classes", Json::value_t::array).Fail("of a comparison must be [\"false\", \"true\"]");
}

std::unique_ptr<Step> StepFromJson(const Node& s) {
  if (!s.json.is_object()) s.Fail("expected {\"kind\", \"params\", \"state\"}, got " + Kind(s.json));
  s.OnlyKeys({"kind", "params", "state"});
  const std::string kind = s.String("kind");
  const Node params = s.Get("params", Json::value_t::object), state = s.Get("state", Json::value_t::object);
  std::unique_ptr<Step> step;
  // MakeStep checks the params against the kind's declaration (unknown, type, bounds, choices).
  Within(s.path + ": ", [&] { step = MakeStep(kind, params.json); });
  Within(s.path + ".", [&] { step->LoadState(state.json); });
  // Every key of the state must be one the step saves (stateless steps save {}).
  const Json state_saved = step->SaveState();
  std::vector<std::string> saved;
  for (const auto& [key, value] : state_saved.items()) saved.push_back(key);
  if (saved.empty() && !state.json.empty())
    state.Fail(kind + " keeps no state, but the file gives it " + Quote(state.json.begin().key()));
  state.OnlyKeys(saved);
  return step;
}

std::unique_ptr<Estimator> EstimatorFromJson(const Node& e) {
  e.OnlyKeys({"kind", "params", "state", "fit_info"});
  const std::string kind = e.String("kind");
  const Node params = e.Get("params", Json::value_t::object), state = e.Get("state", Json::value_t::object);
  std::unique_ptr<Estimator> estimator;
  Within(e.path + ": ", [&] { estimator = MakeLoadedEstimator(kind, params.json); });
  Within(e.path + ".", [&] { estimator->LoadState(state.json); });
  if (e.json.contains("fit_info")) estimator->LoadFitInfo(e.Get("fit_info", Json::value_t::object).json);
  return estimator;
}

// The training record is shown by `outcore inspect`: the counts it prints must be counts.
void CheckTraining(const Node& t) {
  for (const char* key : {"rows_read", "rows_rejected", "rows_missing_target", "rows_train", "rows_test"})
    if (t.json.contains(key)) t.Count(key);
  if (t.json.contains("rows_read") && t.json.contains("rows_train") && t.json.contains("rows_test") &&
      t.Count("rows_train") + t.Count("rows_test") > t.Count("rows_read"))
    t.Fail("rows_train + rows_test is more than rows_read");
  for (const char* key : {"fingerprint", "spec"})
    if (t.json.contains(key)) t.String(key);
  if (t.json.contains("sources")) {
    Node sources = t.Get("sources", Json::value_t::array);
    for (size_t i = 0; i < sources.json.size(); ++i) {
      Node s = sources.At(i);
      if (!s.json.is_object()) s.Fail("expected an object, got " + Kind(s.json));
      s.String("path");
      if (s.json.contains("bytes")) s.Count("bytes");
    }
  }
}

// One row of ordinary values and one of missing values, for each column of `schema`.
Batch ProbeBatch(const Schema& schema) {
  Batch batch;
  batch.num_rows = 2;
  for (const Field& f : schema.fields()) {
    auto c = std::make_shared<Column>(f.type);
    c->length = 2;
    c->f64.assign(f.type == DataType::kF64 ? 2 : 0, 1.0);
    c->i64.assign(f.type == DataType::kI64 || f.type == DataType::kTimestamp ? 2 : 0, 1);
    c->u8.assign(f.type == DataType::kBool ? 2 : 0, 1);
    if (f.type == DataType::kString) c->offsets = {0, 1, 1}, c->chars = "x";
    if (f.type == DataType::kCategory) c->codes = {0, 0}, c->dict = std::make_shared<Dictionary>(Dictionary{"x"});
    c->SetNull(1);
    batch.Add(f.name, c);
  }
  return batch;
}

// The fitted steps, run on the input schema, must give exactly feature_names, which the
// estimator must accept: one rule that catches any disagreement between the parts.
void CheckStepsGiveFeatures(const Model& m) {
  Batch out;
  TransformStats probe;
  probe.lenient = true;  // the probe's "x" is no category a step with on_unknown = "error" knows
  out = ProbeBatch(m.input_schema);
  for (size_t i = 0; i < m.pipeline.steps.size(); ++i)  // one at a time, to name the step that fails
    Within("steps[" + std::to_string(i) + "]: it does not run on input_schema: ",
           [&] { out = m.pipeline.steps[i]->Transform(out, &probe); });
  const std::vector<std::string>& names = m.pipeline.feature_names;
  for (size_t i = 0; i < std::max(names.size(), static_cast<size_t>(out.schema.size())); ++i) {
    std::string made = i < static_cast<size_t>(out.schema.size()) ? Quote(out.schema.field(static_cast<int>(i)).name) : "nothing";
    std::string listed = i < names.size() ? Quote(names[i]) : "nothing";
    if (made != listed)
      Bad("feature_names[" + std::to_string(i) + "]", "is " + listed + " but the steps make " + made +
                                                          " there (" + std::to_string(out.schema.size()) +
                                                          " features from the steps, " +
                                                          std::to_string(names.size()) + " listed)");
  }
  Within("estimator: it cannot score what the steps make: ", [&] { m.pipeline.Predict(ProbeBatch(m.input_schema), &probe); });
}

// Checks format and version; returns whether the file is of a version this reader knows in
// full (its minor version is not newer).
bool CheckFormat(const Node& root) {
  if (!root.json.contains("format")) root.Fail("no 'format' key: not an outcore model file");
  const Json& format = root.json["format"];
  if (format != Model::kFormat)
    Bad("format", "is " + (format.is_string() ? Quote(format.get<std::string>()) : Kind(format)) + ", not '" +
                      Model::kFormat + "': not an outcore model file");
  Node v = root.Get("format_version", Json::value_t::string);
  const std::string& text = v.json.get_ref<const std::string&>();
  const size_t dot = text.find('.');
  auto number = [](const std::string& s) {  // 1 to 6 digits, or -1
    return !s.empty() && s.size() <= 6 && s.find_first_not_of("0123456789") == std::string::npos ? std::stoi(s) : -1;
  };
  const int major = dot == std::string::npos ? -1 : number(text.substr(0, dot));
  const int minor = dot == std::string::npos ? -1 : number(text.substr(dot + 1));
  if (major < 0 || minor < 0) v.Fail(Quote(text) + " is not MAJOR.MINOR, like \"1.0\"");
  const std::string ours = std::to_string(Model::kFormatMajor) + "." + std::to_string(Model::kFormatMinor);
  const std::string refused = "format_version " + text + " is not supported: ";
  if (major > Model::kFormatMajor)
    Fail(ErrorCode::kModel, refused + "it is newer than this outcore reads (" + ours +
                                "); upgrade outcore, or re-fit the model with this version");
  if (major < Model::kFormatMajor)
    Fail(ErrorCode::kModel, refused + "it is older than this outcore reads (" + ours +
                                "); re-fit the model with this version");
  return minor <= Model::kFormatMinor;
}

Model ModelFromNode(const Node& any) {
  if (!any.json.is_object()) any.Fail("expected a JSON object, got " + Kind(any.json) + ": not an outcore model");
  const Node root{any.json, "", CheckFormat(any)};
  root.OnlyKeys({"format", "format_version", "outcore_version", "created", "read_options", "input_schema",
                 "target", "steps", "estimator", "feature_names", "training", "metrics"});
  Model m;
  m.outcore_version = root.String("outcore_version");
  m.created = root.String("created");
  m.read = ReadOptionsFromJson(root.Get("read_options", Json::value_t::object));
  m.input_schema = SchemaFromJson(root.Get("input_schema", Json::value_t::array));
  TargetFromJson(root.Get("target", Json::value_t::object), &m);
  Node steps = root.Get("steps", Json::value_t::array);
  for (size_t i = 0; i < steps.json.size(); ++i) m.pipeline.steps.push_back(StepFromJson(steps.At(i)));
  Node estimator = root.Get("estimator", Json::value_t::object);
  m.pipeline.estimator = EstimatorFromJson(estimator);
  m.pipeline.feature_names = root.Strings("feature_names", true);
  Json state = m.pipeline.estimator->SaveState();
  if (state.contains("n_features") && state["n_features"] != m.pipeline.feature_names.size())
    Bad("estimator.state.n_features", "is " + state["n_features"].dump() + " but feature_names lists " +
                                          std::to_string(m.pipeline.feature_names.size()));
  const int64_t classes = static_cast<int64_t>(m.target.classes.size());
  if (m.pipeline.estimator->is_classifier() && classes < 2)
    Bad("target.classes", "a classifier (" + m.pipeline.estimator->kind() + ") needs two or more classes");
  const int64_t outputs = m.pipeline.estimator->n_outputs();
  const bool multiclass = m.pipeline.estimator->is_classifier() && classes > 2;
  if (multiclass ? outputs != classes : outputs != 1)
    Bad("estimator.state", "gives " + std::to_string(outputs) + " outputs per row but the target has " +
                               std::to_string(classes) + " classes");
  if (root.json.contains("training")) CheckTraining(root.Get("training", Json::value_t::object));
  if (root.json.contains("metrics")) root.Get("metrics", Json::value_t::object);
  m.training = root.json.value("training", Json::object());
  m.metrics = root.json.value("metrics", Json::object());
  CheckStepsGiveFeatures(m);
  return m;
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
  try {
    return ModelFromNode(Node{j, "", true});
  } catch (const Json::exception& e) {  // a check this reader forgot: still a refusal, not a crash
    Fail(ErrorCode::kModel, std::string("unexpected JSON: ") + e.what());
  }
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

Model ModelFromText(const std::string& text, int64_t max_bytes) {
  if (static_cast<int64_t>(text.size()) > max_bytes)
    Fail(ErrorCode::kModel, "model text is " + std::to_string(text.size()) + " bytes, over the " +
                                std::to_string(max_bytes) + "-byte cap");
  Model m = ModelFromJson(ParseCapped(text));
  m.fingerprint = HashHex(text);
  return m;
}

Model LoadModel(const std::string& path, int64_t max_bytes) {
  try {
    return ModelFromText(ReadCapped(path, max_bytes), max_bytes);
  } catch (const Error& e) {
    Fail(e.code(), path + ": " + e.what());
  }
}

}  // namespace outcore
