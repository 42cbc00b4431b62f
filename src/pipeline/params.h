#pragma once
// Reads a step's or estimator's fitted state from JSON, strictly. (Parameters are declared as
// ParamSpec lists and checked by CheckParams, include/outcore/param_spec.h.)
#include <string>
#include <vector>

#include "outcore/error.h"
#include "outcore/pipeline.h"

namespace outcore {

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
