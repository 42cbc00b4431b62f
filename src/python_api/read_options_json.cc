// Read options as JSON, for the Python package.
#include "outcore/error.h"
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
          {"quote", QuoteOptionText(r.quote)},
          {"escape", EscapeOptionText(r.escape)},
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
    } else if (key == "quote") {
      if (!v.is_string() || !ParseQuoteOption(v.get<std::string>(), &r.quote))
        Bad("'quote' must be one character, or \"\" or \"none\" for no quoting");
    } else if (key == "escape") {
      if (!v.is_string() || !ParseEscapeOption(v.get<std::string>(), &r.escape))
        Bad("'escape' must be one character, or \"\" for a doubled quote only");
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
          "' (known: delimiter, quote, escape, header, na_values, parse_dates, dtype, "
          "infer_rows)");
    }
  }
  return r;
}


}  // namespace outcore
