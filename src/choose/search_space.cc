// Search spaces of tune: parsing --grid, setting a candidate's parameters in a spec, and
// enumerating grid and random candidates.
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "choose/rows.h"
#include "core/random.h"
#include "outcore/error.h"
#include "outcore/tune.h"

namespace outcore {
namespace {

constexpr const char* kGridExample =
    "expected KEY=V1,V2,... like 'model.C=0.01,0.1,1' or 'steps.5.ddof=0,1', or "
    "KEY=loguniform(A,B), uniform(A,B) or randint(A,B) with --random";

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> SplitOn(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, sep);) out.push_back(Trim(item));
  if (!text.empty() && text.back() == sep) out.push_back("");
  return out;
}

// A value as the spec's TOML would give it: integer, float, bool, or text.
Json ParseValue(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  try {
    size_t used = 0;
    long long i = std::stoll(text, &used);
    if (used == text.size()) return static_cast<int64_t>(i);
  } catch (...) {
  }
  try {
    size_t used = 0;
    double d = std::stod(text, &used);
    if (used == text.size()) return d;
  } catch (...) {
  }
  return text;
}

std::string StepList(const PipelineSpec& spec) {
  std::string out;
  for (size_t i = 0; i < spec.steps.size(); ++i)
    out += (i ? ", " : "") + std::to_string(i) + " " + spec.steps[i]["kind"].get<std::string>();
  return out.empty() ? "none" : out;
}

Json PickFrom(const ParamSpace& space, uint64_t* state) {
  const double u = UnitInterval(SplitMix64(state));
  if (space.distribution.empty())
    return space
        .values[std::min(space.values.size() - 1,
                         static_cast<size_t>(u * static_cast<double>(space.values.size())))];
  if (space.distribution == "uniform") return space.low + u * (space.high - space.low);
  if (space.distribution == "loguniform")
    return std::exp(std::log(space.low) + u * (std::log(space.high) - std::log(space.low)));
  return static_cast<int64_t>(space.low) +
         static_cast<int64_t>(std::floor(u * (space.high - space.low + 1)));  // randint
}

}  // namespace

ParamSpace ParseParamSpace(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    Fail(ErrorCode::kUsage, "--grid '" + text + "': " + kGridExample);
  ParamSpace space;
  space.key = Trim(text.substr(0, eq));
  std::string rhs = Trim(text.substr(eq + 1));
  size_t open = rhs.find('(');
  if (open != std::string::npos && rhs.back() == ')') {
    space.distribution = rhs.substr(0, open);
    std::vector<std::string> bounds = SplitOn(rhs.substr(open + 1, rhs.size() - open - 2), ',');
    Json low = bounds.size() == 2 ? ParseValue(bounds[0]) : Json();
    Json high = bounds.size() == 2 ? ParseValue(bounds[1]) : Json();
    if (space.distribution != "uniform" && space.distribution != "loguniform" &&
        space.distribution != "randint")
      Fail(ErrorCode::kUsage, "--grid '" + text + "': unknown distribution '" + space.distribution +
                                  "' (uniform, loguniform, randint)");
    if (!low.is_number() || !high.is_number() || low.get<double>() > high.get<double>())
      Fail(ErrorCode::kUsage,
           "--grid '" + text + "': " + space.distribution + "(A,B) needs two numbers with A <= B");
    space.low = low.get<double>();
    space.high = high.get<double>();
    if (space.distribution == "loguniform" && space.low <= 0)
      Fail(ErrorCode::kUsage, "--grid '" + text + "': loguniform(A,B) needs A > 0");
    return space;
  }
  for (const std::string& v : SplitOn(rhs, ',')) {
    if (v.empty())
      Fail(ErrorCode::kUsage, "--grid '" + text + "': an empty value; " + kGridExample);
    space.values.push_back(ParseValue(v));
  }
  return space;
}

PipelineSpec WithParams(const PipelineSpec& spec, const Json& params) {
  PipelineSpec out = spec;
  for (auto& [key, value] : params.items()) {
    std::vector<std::string> parts = SplitOn(key, '.');
    Json* target = nullptr;
    if (parts.size() == 2 && parts[0] == "model") {
      target = &out.model["params"];
    } else if (parts.size() == 3 && parts[0] == "steps") {
      size_t used = 0;
      int n = -1;
      try {
        n = std::stoi(parts[1], &used);
      } catch (...) {
      }
      if (used != parts[1].size() || n < 0 || n >= static_cast<int>(out.steps.size()))
        Fail(ErrorCode::kUsage, "--grid " + key + ": there is no step " + parts[1] +
                                    " (steps, numbered from 0: " + StepList(spec) + ")");
      target = &out.steps[n]["params"];
    }
    if (!target || parts.back().empty())
      Fail(ErrorCode::kUsage, "--grid " + key +
                                  ": a key is model.PARAM or steps.N.PARAM, N the "
                                  "0-based step (steps: " +
                                  StepList(spec) + ")");
    (*target)[parts.back()] = value;
  }
  try {
    out.Build();
  } catch (const Error& e) {
    Fail(ErrorCode::kUsage, "--grid " + params.dump() + ": " + e.what());
  }
  return out;
}

std::vector<Json> GridCandidates(const std::vector<ParamSpace>& spaces) {
  std::vector<Json> out = {Json::object()};
  for (const ParamSpace& space : spaces) {
    if (!space.distribution.empty())
      Fail(ErrorCode::kUsage, "--grid " + space.key + "=" + space.distribution +
                                  "(...): a distribution needs --random N");
    std::vector<Json> next;
    for (const Json& partial : out)
      for (const Json& v : space.values) {
        Json c = partial;
        c[space.key] = v;
        next.push_back(c);
      }
    out = std::move(next);
  }
  return out;
}

std::vector<Json> RandomCandidates(const std::vector<ParamSpace>& spaces, int n, uint64_t seed) {
  if (n < 1) Fail(ErrorCode::kUsage, "--random must be at least 1, got " + std::to_string(n));
  uint64_t state = choose::StreamState(seed, 0x7475'6e65);  // "tune"
  double grid_size = 1;
  bool all_lists = true;
  for (const ParamSpace& s : spaces) {
    all_lists = all_lists && s.distribution.empty();
    grid_size *= static_cast<double>(s.values.size());
  }
  std::vector<Json> out;
  if (all_lists) {
    std::vector<Json> grid = GridCandidates(spaces);
    if (static_cast<size_t>(n) >= grid.size()) return grid;
    std::set<size_t> picked;
    while (out.size() < static_cast<size_t>(n)) {
      size_t i = static_cast<size_t>(UnitInterval(SplitMix64(&state)) * grid_size);
      if (picked.insert(std::min(i, grid.size() - 1)).second)
        out.push_back(grid[std::min(i, grid.size() - 1)]);
    }
    return out;
  }
  for (int i = 0; i < n; ++i) {
    Json c = Json::object();
    for (const ParamSpace& s : spaces) c[s.key] = PickFrom(s, &state);
    out.push_back(c);
  }
  return out;
}

}  // namespace outcore
