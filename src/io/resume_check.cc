// Whether a run may resume an interrupted one, and the error when it may not.
#include "io/resume_check.h"

#include "outcore/error.h"

namespace outcore {

bool MayResume(const Json& before, const Json& now) {
  if (before == now) return true;
  auto policy = [](const Json& identity) -> std::string {
    if (!identity.is_object() || !identity.contains("output")) return "";
    const Json& output = identity["output"];
    if (!output.is_object() || !output.contains("on_bad_rows")) return "";
    const Json& p = output["on_bad_rows"];
    return p.is_string() ? p.get<std::string>() : "";
  };
  if (policy(before) != "stop" || policy(now).empty()) return false;
  Json relaxed = before;
  relaxed["output"]["on_bad_rows"] = policy(now);
  return relaxed == now;
}

void RefuseResume(const std::string& where, const Json& before, const Json& now) {
  std::string why = "the model, inputs or output options differ from the interrupted run's";
  auto inputs = [](const Json& identity) {
    return identity.is_object() ? identity.value("inputs", Json::array()) : Json::array();
  };
  // The read overrides and the matched columns of predict --read and --rename, as given.
  auto option = [](const Json& identity, const char* key) {
    const bool has = identity.is_object() && identity.contains("output") && identity["output"].is_object();
    return has ? identity["output"].value(key, Json::array()) : Json::array();
  };
  if (option(before, "read") != option(now, "read"))
    why = "the --read overrides differ from the interrupted run's (" + option(before, "read").dump() + " then, " +
          option(now, "read").dump() + " now)";
  else if (option(before, "columns") != option(now, "columns"))
    why = "the input columns are matched to the model's differently (--rename) from the interrupted run (" +
          option(before, "columns").dump() + " then, " + option(now, "columns").dump() + " now)";
  Json was = inputs(before), is = inputs(now);
  for (size_t i = 0; i < was.size() && i < is.size(); ++i) {
    if (!was[i].is_object() || !is[i].is_object()) continue;
    Json a = was[i].value("table", Json()), b = is[i].value("table", Json());
    if (!a.is_object() || !b.is_object() || a == b || was[i]["path"] != is[i]["path"]) continue;
    why = "input " + is[i]["path"].get<std::string>() + " changed since the interrupted run (" +
          (a["rows"] != b["rows"] ? a["rows"].dump() + " rows then, " + b["rows"].dump() + " now"
                                  : std::string("rows were updated")) +
          "), so the parts already written no longer match it";
  }
  Fail(ErrorCode::kUsage, where + ": cannot resume: " + why + " (use --overwrite to start over)");
}

}  // namespace outcore
