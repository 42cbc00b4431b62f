#pragma once
// Reads a step's or estimator's parameters from JSON, strictly: an unknown name, a missing
// required one or a value of the wrong type is a kModel error naming the kind and the key.
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

}  // namespace outcore
