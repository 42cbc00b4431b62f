#pragma once
/// What the Parquet and CSV part writers share: OutputFile (buffered, fsync'ed writes) and the
/// check that a batch matches the schema the part was opened with.
#include <cstdint>
#include <string>
#include <string_view>

#include "outcore/column.h"

namespace outcore {

/// Throws Error(kSchema) naming `path` unless `batch` has exactly the fields of `schema`, and
/// Error(kInternal) if a column's buffers are shorter than its length says.
void CheckBatchForWrite(const std::string& path, const Schema& schema, const Batch& batch);

/// Every failure throws Error(kIO, "PATH: <what> failed: <strerror>"). Destroying an
/// unfinished file just closes it: the caller owns (and deletes) temporary files.
class OutputFile {
 public:
  /// Opens `path` for writing, creating or truncating it.
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void Append(std::string_view data);
  /// Bytes appended so far: the file offset of the next byte.
  int64_t offset() const { return offset_; }
  const std::string& path() const { return path_; }
  /// Flushes the buffer, fsyncs and closes. Nothing may be appended afterwards.
  void Close();

 private:
  void Flush();
  void WriteAll(const char* data, size_t size);
  [[noreturn]] void Fail(const char* what, int error) const;

  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  int64_t offset_ = 0;
};

}  // namespace outcore
