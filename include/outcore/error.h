#pragma once
/// Error: the one exception type outcore throws; its code tells the CLI which exit status to use.
#include <stdexcept>
#include <string>

namespace outcore {

/// Error kinds; the CLI exits with the numeric value.
enum class ErrorCode : int {
  kUsage = 2,         // bad command line or option value
  kInvalidInput = 3,  // malformed data: a value that cannot be parsed, a ragged row
  kSchema = 4,        // data does not match what the spec or model expects
  kModel = 5,         // model file or pipeline spec is invalid
  kIO = 6,            // file system or network failure
  kInternal = 70,     // a bug
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void Fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace outcore
