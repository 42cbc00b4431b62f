// Split <-> JSON, so a split planned in one process can be read in another.
#include <nlohmann/json.hpp>

#include <fstream>

#include "outcore/error.h"
#include "outcore/source.h"
#include "outcore/postgres.h"

namespace outcore {
namespace {

// Whether a CSV split begins right after the file's first line (its header): the file's
// first split. Read only on the way to an error message.
bool StartsAfterFirstLine(const std::string& path, int64_t begin) {
  std::ifstream in(path, std::ios::binary);
  std::string first;
  return std::getline(in, first) && !in.eof() && static_cast<int64_t>(first.size()) + 1 == begin;
}

}  // namespace

std::string Split::RowPlace(int64_t row) const {
  std::string where = RedactPostgresUri(path);
  if (begin > 0 && format == "csv" && !StartsAfterFirstLine(path, begin))
    where += ", from byte " + std::to_string(begin);
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
