#pragma once
// File helpers shared by readers, writers and the executor (internal); ReadFile and
// WriteFileAtomically are public, in outcore/files.h.
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/files.h"

namespace outcore {

/// fsync of a directory, so that renames inside it survive a crash.
void SyncDirectory(const std::string& dir);
/// XXH3-64 of bytes / of a file's contents, as 16 hex digits.
std::string HashHex(const std::string& bytes);
std::string HashFileHex(const std::string& path);
/// Expands inputs: a directory gives its regular files (sorted, hidden and _-prefixed ones
/// skipped); a pattern with * ? [ is globbed (sorted); a plain path is kept. An input that
/// matches nothing is a kIO error naming it.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs);
/// The size of a file or S3 object (a kIO error naming it when missing).
int64_t FileSize(const std::string& path);

/// What tells one version of an input from another: its size, and its modification time
/// (nanoseconds, as text) for a file or its ETag for an S3 object.
struct InputStamp {
  int64_t size = 0;
  std::string version;
  bool operator==(const InputStamp&) const = default;
};
/// The stamp of a file or S3 object; a kIO error naming it when missing.
InputStamp StampInput(const std::string& path);

}  // namespace outcore
