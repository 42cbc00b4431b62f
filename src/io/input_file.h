#pragma once
// An input file read at byte offsets (CSV and Parquet sources; internal).
#include <cstdint>
#include <string>

namespace outcore {

/// A read-only file descriptor read with pread, so several readers can share nothing.
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }
  /// Reads up to `length` bytes at `offset`; returns the count (less only at end of file).
  int64_t Read(int64_t offset, int64_t length, char* out) const;

 private:
  std::string path_;
  int fd_ = -1;
  int64_t size_ = 0;
};

}  // namespace outcore
