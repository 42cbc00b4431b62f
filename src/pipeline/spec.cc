// The pipeline spec: a TOML file with [read], target, [[steps]] and [model] (docs/spec.md).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "io/convert.h"
#include "outcore/error.h"
#include "outcore/model.h"

namespace outcore {
namespace {

// A spec is small and shallow: its deepest key is steps[i].categories.COLUMN[j].
constexpr size_t kMaxSpecBytes = size_t{1} << 20;
constexpr int kMaxDepth = 16;
constexpr long kMaxDots = 16384;

[[noreturn]] void Bad(const std::string& origin, const std::string& what) {
  Fail(ErrorCode::kModel, origin + ": " + what);
}

// The TOML document as JSON; `path` names the key for the nesting error.
Json ToJson(const toml::node& node, const std::string& origin, const std::string& path, int depth) {
  if ((node.is_table() || node.is_array()) && depth >= kMaxDepth)
    Bad(origin, "'" + path + "' is nested deeper than " + std::to_string(kMaxDepth) + " levels");
  if (auto* t = node.as_table()) {
    Json out = Json::object();
    for (auto& [k, v] : *t) {
      std::string key(k.str());
      out[key] = ToJson(v, origin, path.empty() ? key : path + "." + key, depth + 1);
    }
    return out;
  }
  if (auto* a = node.as_array()) {
    Json out = Json::array();
    for (size_t i = 0; i < a->size(); ++i)
      out.push_back(ToJson(*a->get(i), origin, path + "[" + std::to_string(i) + "]", depth + 1));
    return out;
  }
  if (auto* s = node.as_string()) return s->get();
  if (auto* i = node.as_integer()) return i->get();
  if (auto* f = node.as_floating_point()) return f->get();
  if (auto* b = node.as_boolean()) return b->get();
  std::ostringstream text;
  node.visit([&](auto&& v) { text << v; });
  return text.str();  // dates and times, as written
}

std::vector<std::string> StringList(const Json& v, const std::string& origin, const std::string& key) {
  std::vector<std::string> out;
  if (!v.is_array()) Bad(origin, "'" + key + "' must be a list of strings");
  for (const auto& e : v) {
    if (!e.is_string()) Bad(origin, "'" + key + "' must be a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

PipelineSpec ParseSpec(const std::string& text, const std::string& origin) {
  if (text.size() > kMaxSpecBytes)
    Bad(origin, "the spec is " + std::to_string(text.size()) + " bytes, over the " +
                    std::to_string(kMaxSpecBytes) + "-byte cap");
  // toml++ nests a table per part of a dotted key (a.b.c = 1) with no limit of its own, and
  // overflows the stack past ~50,000 parts. Counting every '.' is cruder but cannot be fooled.
  if (std::count(text.begin(), text.end(), '.') > kMaxDots)
    Bad(origin, "more than " + std::to_string(kMaxDots) + " '.' characters: keys dotted this deep are not a spec");
  Json doc;
  try {
    doc = ToJson(toml::parse(text, origin), origin, "", 0);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    Bad(origin, "line " + std::to_string(where.line) + ", column " + std::to_string(where.column) +
                    ": " + std::string(e.description()));
  }
  PipelineSpec spec;
  spec.path = origin;
  for (auto& [key, v] : doc.items()) {
    if (key != "read" && key != "target" && key != "steps" && key != "model")
      Bad(origin, "unknown key '" + key + "' (known: target, [read], [[steps]], [model])");
  }
  spec.read = ParseReadOptions(doc.value("read", Json()), origin, "read.");
  if (!doc.contains("target") || !doc["target"].is_string())
    Bad(origin, "'target' is required, as a string: a column, or a comparison like \"Tip_Amt > 0\"");
  spec.target = doc["target"].get<std::string>();
  try {
    Target::Parse(spec.target);
  } catch (const Error& e) {
    Bad(origin, "'target': " + std::string(e.what()));
  }
  if (doc.contains("steps")) {
    if (!doc["steps"].is_array()) Bad(origin, "'steps' must be an array of tables: [[steps]]");
    for (size_t i = 0; i < doc["steps"].size(); ++i) {
      Json s = doc["steps"][i];
      const std::string where = "steps[" + std::to_string(i) + "]";
      if (!s.is_object() || !s.contains("kind") || !s["kind"].is_string())
        Bad(origin, where + " needs kind = \"...\" (see `outcore steps`)");
      std::string kind = s["kind"];
      s.erase("kind");
      try {
        MakeStep(kind, s);  // a known kind with valid parameters
      } catch (const Error& e) {
        Bad(origin, where + ": " + e.what());
      }
      spec.steps.push_back({{"kind", kind}, {"params", s}});
    }
  }
  if (!doc.contains("model") || !doc["model"].is_object() || !doc["model"].contains("kind") ||
      !doc["model"]["kind"].is_string())
    Bad(origin, "[model] with kind = \"...\" is required (e.g. kind = \"logistic_regression\")");
  Json m = doc["model"];
  std::string kind = m["kind"];
  m.erase("kind");
  spec.model = {{"kind", kind}, {"params", m}};
  try {
    spec.Build();  // every kind known, every parameter valid
  } catch (const Error& e) {
    Bad(origin, e.what());
  }
  return spec;
}

// Each date format must be one ParseTimestampFormat reads, and a per-column one must name a
// datetime column (in parse_dates, declared datetime, or datetime in `trained`).
static void CheckDateFormats(const ReadOptions& read, const std::string& origin, const std::string& prefix,
                             const Schema& trained) {
  auto check = [&](const std::string& where, const std::string& format) {
    const std::string problem = DateFormatProblem(format);
    if (!problem.empty()) Bad(origin, "'" + prefix + where + "' \"" + format + "\" " + problem);
  };
  if (!read.date_format.empty()) check("date_format", read.date_format);
  for (const auto& [column, format] : read.date_formats) {
    check("date_format." + column, format);
    const auto type = read.dtypes.find(column);
    const bool datetime = (type != read.dtypes.end() && type->second == DataType::kTimestamp) ||
                          std::find(read.parse_dates.begin(), read.parse_dates.end(), column) != read.parse_dates.end() ||
                          (trained.IndexOf(column) >= 0 &&
                           trained.field(trained.IndexOf(column)).type == DataType::kTimestamp);
    if (!datetime)
      Bad(origin, "'" + prefix + "date_format." + column + "': '" + column +
                      "' is not a datetime column (list it in parse_dates, or declare it datetime in dtype)");
  }
}

// Sets one [read] key (`where` names it in errors) in `read`.
static void SetReadKey(const std::string& key, const Json& v, const std::string& origin, const std::string& where,
                       ReadOptions* out) {
  ReadOptions& read = *out;
  if (key == "delimiter") {
    read.sniff_delimiter = v.is_string() && v.get<std::string>() == "auto";
    if (read.sniff_delimiter) return;
    if (!v.is_string() || v.get<std::string>().size() != 1)
      Bad(origin, "'" + where + "' must be one character, like \",\" or \"\\t\", or \"auto\" (sniffed)");
    read.delimiter = v.get<std::string>()[0];
  } else if (key == "quote") {
    if (!v.is_string() || !ParseQuoteOption(v.get<std::string>(), &read.quote))
      Bad(origin, "'" + where + "' must be one character, or \"\" or \"none\" for no quoting");
  } else if (key == "escape") {
    if (!v.is_string() || !ParseEscapeOption(v.get<std::string>(), &read.escape))
      Bad(origin, "'" + where + "' must be one character, like \"\\\\\" (default: a doubled quote)");
  } else if (key == "header") {
    if (!v.is_boolean()) Bad(origin, "'" + where + "' must be true or false");
    read.header = v.get<bool>();
  } else if (key == "na_values") {
    read.na_values = StringList(v, origin, where);
  } else if (key == "parse_dates") {
    read.parse_dates = StringList(v, origin, where);
  } else if (key == "infer_rows") {
    if (!v.is_number_integer() || v.get<int64_t>() < 1)
      Bad(origin, "'" + where + "' must be a positive integer");
    read.infer_rows = v.get<int64_t>();
  } else if (key == "dtype") {
    if (!v.is_object()) Bad(origin, "'" + where + "' must be a table of column = \"type\"");
    for (auto& [col, t] : v.items()) {
      auto type = t.is_string() ? ParseTypeName(t.get<std::string>()) : std::nullopt;
      if (!type)
        Bad(origin, "'" + where + "." + col + "' must be one of float, int, bool, string, "
                    "category, datetime");
      read.dtypes[col] = *type;
    }
  } else if (key == "decimal" || key == "thousands") {
    if (!v.is_string() || v.get<std::string>().size() > 1 || (key == "decimal" && v.get<std::string>().empty()))
      Bad(origin, "'" + where + "' must be one character, like \",\"" + (key == "thousands" ? " (or \"\" for none)" : ""));
    const char c = v.get<std::string>().empty() ? '\0' : v.get<std::string>()[0];
    if (c != '\0' && ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E'))
      Bad(origin, "'" + where + "' cannot be a digit, a sign or an exponent mark");
    (key == "decimal" ? read.decimal : read.thousands) = c;
  } else if (key == "date_format") {
    if (v.is_string()) {
      read.date_format = v.get<std::string>();
      read.date_formats.clear();  // one format for every column (an override replaces the model's)
    } else if (v.is_object()) {
      for (auto& [col, f] : v.items()) {
        if (!f.is_string()) Bad(origin, "'" + where + "." + col + "' must be a format like \"%m/%d/%Y %H:%M\"");
        read.date_formats[col] = f.get<std::string>();
      }
    } else {
      Bad(origin, "'" + where + "' must be a format like \"%m/%d/%Y %H:%M\", or a table of column = format");
    }
  } else {
    Bad(origin, "unknown key '" + where +
                    "' (known: delimiter, quote, escape, header, na_values, parse_dates, dtype, "
                    "infer_rows, date_format, decimal, thousands)");
  }
}

// What must hold of the read options as a whole.
static void CheckReadOptions(const ReadOptions& read, const std::string& origin, const std::string& prefix,
                             const Schema& trained) {
  if (read.decimal == read.thousands) Bad(origin, "'" + prefix + "decimal' and '" + prefix + "thousands' must differ");
  CheckDateFormats(read, origin, prefix, trained);
}

ReadOptions ParseReadOptions(const Json& r, const std::string& origin, const std::string& prefix) {
  ReadOptions read;
  if (r.is_null()) return read;
  if (!r.is_object()) Bad(origin, prefix.empty() ? "must be an object" : "[read] must be a table");
  for (auto& [key, v] : r.items()) SetReadKey(key, v, origin, prefix + key, &read);
  CheckReadOptions(read, origin, prefix, Schema());
  return read;
}

// `--read KEY=VALUE` as a key and a [read] value: {COLUMN: VALUE} for KEY.COLUMN.
static std::pair<std::string, Json> ReadOverrideKey(const std::string& key_value, const std::string& option) {
  const size_t eq = key_value.find('=');
  if (eq == std::string::npos || eq == 0)
    Fail(ErrorCode::kUsage, option + " " + key_value + ": expected KEY=VALUE, like delimiter=';' or "
                                "date_format.COLUMN='%m/%d/%Y %H:%M'");
  const std::string key = key_value.substr(0, eq), text = key_value.substr(eq + 1);
  // A TOML value when it is one (false, 500, ["NULL"], "\t"); otherwise the text as written.
  Json value = text;
  try {
    const toml::table t = toml::parse("v = " + text);
    if (t.size() == 1 && t.contains("v")) value = ToJson(*t.get("v"), option, key, 1);
  } catch (const toml::parse_error&) {
  }
  const size_t dot = key.find('.');
  if (dot == std::string::npos) return {key, value};
  return {key.substr(0, dot), Json{{key.substr(dot + 1), value}}};
}

ReadOptions OverrideReadOptions(const ReadOptions& base, const std::vector<std::string>& overrides,
                                const std::string& option, const Schema& trained) {
  ReadOptions read = base;
  try {  // the spec's checks, as usage errors naming the override as written
    for (const std::string& key_value : overrides) {
      const auto [key, value] = ReadOverrideKey(key_value, option);
      SetReadKey(key, value, option + " " + key_value, key, &read);
    }
    CheckReadOptions(read, option, "", trained);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kModel) throw;
    Fail(ErrorCode::kUsage, e.what());
  }
  return read;
}

PipelineSpec LoadSpec(const std::string& path) {
  std::error_code error;
  if (std::filesystem::file_size(path, error) > kMaxSpecBytes && !error)
    Bad(path, "the spec is over the " + std::to_string(kMaxSpecBytes) + "-byte cap");
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail(ErrorCode::kIO, path + ": cannot open pipeline spec: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  return ParseSpec(text.str(), path);
}

Pipeline PipelineSpec::Build() const {
  Pipeline p;
  for (const auto& s : steps) p.steps.push_back(MakeStep(s["kind"], s["params"]));
  p.estimator = MakeEstimator(model["kind"], model["params"]);
  return p;
}

std::vector<std::string> PipelineSpec::InputColumns() const {
  if (steps.empty() || steps[0]["kind"] != "select") return {};
  const Json& columns = steps[0]["params"]["columns"];  // validated by Build: a name or names
  if (columns.is_string()) return {columns.get<std::string>()};
  return columns.get<std::vector<std::string>>();
}

}  // namespace outcore
