// Split <-> JSON, so a split planned in one process can be read in another.
#include <nlohmann/json.hpp>

#include "outcore/error.h"
#include "outcore/io.h"
#include "outcore/postgres.h"

namespace outcore {

std::string Split::RowPlace(int64_t row) const {
  std::string where = RedactPostgresUri(path);
  if (begin > 0 && format == "csv") where += ", from byte " + std::to_string(begin);
  if (begin > 0 && format == "parquet") where += ", from row group " + std::to_string(begin);
  if (format == "postgres" && !query.empty()) where += " (" + query + ")";
  return where + ": row " + std::to_string(row + 1);
}

std::string Split::ToJson() const {
  nlohmann::json j = {{"ordinal", ordinal}, {"format", format}, {"path", path},
                      {"begin", begin},     {"end", end},       {"query", query}};
  return j.dump();
}

Split Split::FromJson(const std::string& json) {
  try {
    const nlohmann::json j = nlohmann::json::parse(json);
    if (!j.is_object()) Fail(ErrorCode::kInvalidInput, "a split must be a JSON object");
    Split split;
    split.ordinal = j.at("ordinal").get<int64_t>();
    split.format = j.at("format").get<std::string>();
    split.path = j.at("path").get<std::string>();
    split.begin = j.value("begin", int64_t{0});
    split.end = j.value("end", int64_t{0});
    split.query = j.value("query", std::string());
    return split;
  } catch (const nlohmann::json::exception& e) {
    Fail(ErrorCode::kInvalidInput, std::string("invalid split JSON: ") + e.what());
  }
}

}  // namespace outcore
