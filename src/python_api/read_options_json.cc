// Read options as JSON, for the Python package; read back by ParseReadOptions (src/pipeline/spec.cc).
#include "outcore/python_api.h"

namespace outcore {

Json ReadOptionsToJson(const ReadOptions& r) {
  Json dtypes = Json::object();
  for (auto& [k, v] : r.dtypes) dtypes[k] = std::string(TypeName(v));
  return {{"delimiter", r.sniff_delimiter ? std::string("auto") : std::string(1, r.delimiter)},
          {"quote", QuoteOptionText(r.quote)},
          {"escape", EscapeOptionText(r.escape)},
          {"header", r.header},
          {"na_values", r.na_values},
          {"parse_dates", r.parse_dates},
          {"dtype", dtypes},
          {"infer_rows", r.infer_rows},
          {"decimal", std::string(1, r.decimal)},
          {"thousands", r.thousands == '\0' ? std::string() : std::string(1, r.thousands)},
          {"date_format", r.date_formats.empty() ? Json(r.date_format) : Json(r.date_formats)}};
}

}  // namespace outcore
