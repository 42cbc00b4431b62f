#pragma once
// An input file read at byte offsets (CSV and Parquet sources; internal).
#include <cstdint>
#include <memory>
#include <string>

namespace outcore {

/// Whether `path` is an s3:// URI.
bool IsS3Uri(const std::string& path);

/// A read-only file read with pread, so several readers can share nothing; or an S3 object
/// (s3://bucket/key), read with ranged GETs of at least 8 MB.
///
/// Opened with Decompress::kAuto, a gzip or zstd file (known by its first bytes, whatever its
/// name) reads as its decompressed bytes: a stream, whose offsets are those of the decompressed
/// text, whose size is unknown (size() is kUnknownSize), and which is read forward: a Read
/// before the last one decompresses again from the start (fine for error messages that count
/// lines, not for random access). A stream's InputFile is used by one thread at a time.
class InputFile {
 public:
  enum class Decompress { kNo, kAuto };
  static constexpr int64_t kUnknownSize = INT64_MAX;

  explicit InputFile(const std::string& path, Decompress decompress = Decompress::kNo);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  /// The size in bytes; kUnknownSize for a compressed stream.
  int64_t size() const { return size_; }
  /// "gzip" or "zstd" for a compressed stream, else "".
  const char* compression() const;
  bool is_stream() const { return decoder_ != nullptr; }
  /// Bytes of the file itself consumed so far: the compressed bytes of a stream (for progress).
  int64_t file_bytes_read() const;
  /// Reads up to `length` bytes at `offset`; returns the count (less only at end of file).
  /// A stream that is corrupt or ends early is a kInvalidInput error naming the file.
  int64_t Read(int64_t offset, int64_t length, char* out) const;

 private:
  class Decoder;
  class S3Object;
  void OpenLocal();
  int64_t ReadRaw(int64_t offset, int64_t length, char* out) const;

  std::string path_;
  int fd_ = -1;
  int64_t size_ = 0;
  std::unique_ptr<S3Object> s3_;      // S3 objects only
  std::unique_ptr<Decoder> decoder_;  // compressed streams only
};

}  // namespace outcore
