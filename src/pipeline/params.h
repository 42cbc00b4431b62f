#pragma once
// Reads a step's or estimator's parameters and fitted state from JSON, strictly: an unknown
// name, a missing required one or a value of the wrong type is a kModel error naming the key.
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/pipeline.h"

namespace outcore {

class ParamReader {
 public:
  /// `known` lists every accepted key; any other key in `params` is an error.
  ParamReader(std::string kind, const Json& params, std::vector<std::string> known);

  bool Has(const std::string& key) const { return params_.contains(key); }
  std::string String(const std::string& key, const std::string& fallback) const;
  std::string RequiredString(const std::string& key) const;
  double Number(const std::string& key, double fallback) const;
  bool Bool(const std::string& key, bool fallback) const;
  std::vector<std::string> Strings(const std::string& key, bool required) const;
  const Json& Raw(const std::string& key) const { return params_.at(key); }

  [[noreturn]] void Bad(const std::string& key, const std::string& why) const;

 private:
  std::string kind_;
  const Json& params_;
};

/// Reads what a step's or estimator's SaveState wrote. Its errors begin with the path inside
/// the state ("state.mean[2]: ...") and end with the kind, so the model loader only has to put
/// the state's own place in front ("steps[3].").
class StateReader {
 public:
  /// `state` must be an object with every key of `required`.
  StateReader(std::string kind, const Json& state, const std::vector<std::string>& required);

  /// The array at `key`; with `size` >= 0 it must have that many entries (`each` says what
  /// one entry stands for, e.g. "column").
  const Json& Array(const std::string& key, int64_t size = -1, const std::string& each = "") const;
  /// The array at `key` as finite numbers.
  std::vector<double> Numbers(const std::string& key, int64_t size, const std::string& each) const;
  /// A finite number at `path` (relative to the state, e.g. "intercept").
  double Number(const Json& value, const std::string& path) const;
  /// A list of distinct strings at `path`.
  std::vector<std::string> DistinctStrings(const Json& value, const std::string& path) const;

  [[noreturn]] void Bad(const std::string& path, const std::string& why) const;

 private:
  std::string kind_;
  const Json& state_;
};

}  // namespace outcore
