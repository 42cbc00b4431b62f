#include "io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

#include "io/s3/s3_client.h"
#include "outcore/error.h"

namespace outcore {
namespace {

[[noreturn]] void FailIO(const std::string& path, const std::string& what) {
  Fail(ErrorCode::kIO, path + ": " + what + ": " + std::strerror(errno));
}

constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr unsigned char kZstdMagic[] = {0x28, 0xb5, 0x2f, 0xfd};
// Compressed bytes read per step, and decompressed bytes kept in the window.
constexpr size_t kInChunk = 256 << 10;
constexpr size_t kOutChunk = 1 << 20;
// An S3 object is read in ranged GETs of at least this many bytes (fewer requests for the
// small reads of a CSV row finder or a Parquet footer).
constexpr int64_t kS3ReadAhead = 8 << 20;

}  // namespace

// An S3 object read with ranged GETs; small reads are served from the last block fetched.
class InputFile::S3Object {
 public:
  explicit S3Object(const std::string& uri) : at_(s3::ParseUri(uri)) {
    std::optional<s3::ObjectInfo> info = s3::Client::Default().Head(at_);
    if (!info) Fail(ErrorCode::kIO, uri + ": no such object");
    size_ = info->size;
  }
  int64_t size() const { return size_; }

  int64_t Read(int64_t offset, int64_t length, char* out) {
    length = std::max<int64_t>(0, std::min(length, size_ - offset));
    if (length == 0) return 0;
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t block_end = block_begin_ + static_cast<int64_t>(block_.size());
    if (offset >= block_begin_ && offset + length <= block_end) {
      std::memcpy(out, block_.data() + (offset - block_begin_), length);
      return length;
    }
    if (length >= kS3ReadAhead) return Fetch(offset, length, out);
    block_.resize(std::min(kS3ReadAhead, size_ - offset));
    block_begin_ = offset;
    block_.resize(Fetch(offset, static_cast<int64_t>(block_.size()), block_.data()));
    const int64_t n = std::min<int64_t>(length, block_.size());
    std::memcpy(out, block_.data(), n);
    return n;
  }

 private:
  int64_t Fetch(int64_t offset, int64_t length, char* out) {
    return s3::Client::Default().GetRange(at_, offset, length, out);
  }

  s3::Location at_;
  int64_t size_ = 0;
  std::mutex mu_;
  std::vector<char> block_;
  int64_t block_begin_ = 0;
};

// Decompresses a gzip (one member or several, as `cat a.gz b.gz` makes) or zstd (one frame or
// several) file forward, into a window of the latest decompressed bytes [window_begin,
// window_begin + window.size()).
class InputFile::Decoder {
 public:
  enum class Kind { kGzip, kZstd };
  Decoder(const InputFile& file, Kind kind) : file_(file), kind_(kind), in_(kInChunk), window_(kOutChunk) {
    Restart();
  }
  ~Decoder() { End(); }

  const char* name() const { return kind_ == Kind::kGzip ? "gzip" : "zstd"; }
  int64_t raw_consumed() const { return raw_offset_ - static_cast<int64_t>(in_end_ - in_pos_); }

  int64_t Read(int64_t offset, int64_t length, char* out) {
    if (offset < window_begin_) Restart();
    int64_t done = 0;
    while (done < length) {
      const int64_t at = offset + done;
      const int64_t window_end = window_begin_ + static_cast<int64_t>(window_size_);
      if (at >= window_begin_ && at < window_end) {
        const int64_t n = std::min(length - done, window_end - at);
        std::memcpy(out + done, window_.data() + (at - window_begin_), n);
        done += n;
        continue;
      }
      if (!Advance()) break;  // end of the stream
    }
    return done;
  }

 private:
  void Restart() {
    End();
    raw_offset_ = 0;
    in_pos_ = in_end_ = 0;
    window_begin_ = 0;
    window_size_ = 0;
    finished_ = false;
    member_done_ = false;
    output_was_full_ = false;
    if (kind_ == Kind::kGzip) {
      std::memset(&zs_, 0, sizeof zs_);
      if (inflateInit2(&zs_, 15 + 16) != Z_OK) Fail(ErrorCode::kInternal, "zlib: cannot start inflate");
      zs_open_ = true;
    } else {
      zd_ = ZSTD_createDStream();
      if (zd_ == nullptr) Fail(ErrorCode::kInternal, "zstd: cannot create a decompression stream");
    }
  }
  void End() {
    if (zs_open_) inflateEnd(&zs_);
    zs_open_ = false;
    if (zd_ != nullptr) ZSTD_freeDStream(zd_);
    zd_ = nullptr;
  }

  [[noreturn]] void Corrupt(const std::string& why) const {
    Fail(ErrorCode::kInvalidInput, file_.path() + ": " + name() + " data is corrupt after " +
                                       std::to_string(window_begin_) + " decompressed bytes: " + why);
  }

  // Refills the compressed input; false at the end of the file.
  bool FillInput() {
    if (in_pos_ < in_end_) return true;
    const int64_t n = file_.ReadRaw(raw_offset_, static_cast<int64_t>(in_.size()), in_.data());
    raw_offset_ += n;
    in_pos_ = 0;
    in_end_ = static_cast<size_t>(n);
    return n > 0;
  }

  // Decompresses the next bytes into the window (which moves past the previous ones); false at
  // the end of the stream.
  bool Advance() {
    window_begin_ += static_cast<int64_t>(window_size_);
    window_size_ = 0;
    while (window_size_ == 0) {
      if (finished_) return false;
      // With the file read to its end, the decoder may still hold output (its last step
      // filled the window); else the stream is over: fine after a complete member or frame.
      if (!FillInput() && !output_was_full_) {
        if (member_done_) {
          finished_ = true;
          return false;
        }
        Fail(ErrorCode::kInvalidInput, file_.path() + ": the " + name() +
                                           " stream ends early (a truncated file?) after " +
                                           std::to_string(window_begin_) + " decompressed bytes");
      }
      // After a complete member or frame, only more input starts another.
      if (member_done_ && in_pos_ == in_end_) {
        output_was_full_ = false;
        continue;
      }
      kind_ == Kind::kGzip ? StepGzip() : StepZstd();
      output_was_full_ = window_size_ == window_.size();
    }
    return true;
  }

  void StepGzip() {
    if (member_done_) {  // another member follows
      if (inflateReset(&zs_) != Z_OK) Corrupt("cannot start the next member");
      member_done_ = false;
    }
    zs_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
    zs_.avail_in = static_cast<uInt>(in_end_ - in_pos_);
    zs_.next_out = reinterpret_cast<Bytef*>(window_.data());
    zs_.avail_out = static_cast<uInt>(window_.size());
    const int rc = inflate(&zs_, Z_NO_FLUSH);
    in_pos_ = in_end_ - zs_.avail_in;
    window_size_ = window_.size() - zs_.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) Corrupt(zs_.msg ? zs_.msg : "inflate failed");
    if (rc == Z_STREAM_END) member_done_ = true;
  }

  void StepZstd() {
    ZSTD_inBuffer in{in_.data(), in_end_, in_pos_};
    ZSTD_outBuffer out{window_.data(), window_.size(), 0};
    const size_t rc = ZSTD_decompressStream(zd_, &out, &in);
    in_pos_ = in.pos;
    window_size_ = out.pos;
    if (ZSTD_isError(rc)) Corrupt(ZSTD_getErrorName(rc));
    member_done_ = rc == 0;  // a frame is complete (and flushed)
  }

  const InputFile& file_;
  const Kind kind_;
  std::vector<char> in_, window_;
  size_t in_pos_ = 0, in_end_ = 0;  // unread compressed bytes in_[in_pos_, in_end_)
  int64_t raw_offset_ = 0;          // file offset after in_end_
  int64_t window_begin_ = 0;
  size_t window_size_ = 0;
  bool member_done_ = false;  // the last gzip member or zstd frame is complete
  bool finished_ = false;
  bool output_was_full_ = false;  // the last step filled the window: more output may be pending
  z_stream zs_{};
  bool zs_open_ = false;
  ZSTD_DStream* zd_ = nullptr;
};

InputFile::InputFile(const std::string& path, Decompress decompress) : path_(path) {
  if (IsS3Uri(path)) {
    s3_ = std::make_unique<S3Object>(path);
    size_ = s3_->size();
  } else {
    OpenLocal();
  }
  if (decompress == Decompress::kAuto) {
    unsigned char head[4] = {};
    const int64_t n = ReadRaw(0, 4, reinterpret_cast<char*>(head));
    if (n >= 2 && std::memcmp(head, kGzipMagic, 2) == 0) {
      decoder_ = std::make_unique<Decoder>(*this, Decoder::Kind::kGzip);
    } else if (n >= 4 && std::memcmp(head, kZstdMagic, 4) == 0) {
      decoder_ = std::make_unique<Decoder>(*this, Decoder::Kind::kZstd);
    }
    if (decoder_) size_ = kUnknownSize;
  }
}

void InputFile::OpenLocal() {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) FailIO(path_, "cannot open");
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    ::close(fd_);
    FailIO(path_, "cannot stat");
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    Fail(ErrorCode::kIO, path_ + ": is a directory");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    Fail(ErrorCode::kIO, path_ + ": not a regular file (a pipe or a device?): inputs are read in "
                                 "byte ranges, in parallel; save the stream to a file first");
  }
  size_ = st.st_size;
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

InputFile::~InputFile() {
  decoder_.reset();
  if (fd_ >= 0) ::close(fd_);
}

const char* InputFile::compression() const { return decoder_ ? decoder_->name() : ""; }

int64_t InputFile::file_bytes_read() const { return decoder_ ? decoder_->raw_consumed() : 0; }

int64_t InputFile::Read(int64_t offset, int64_t length, char* out) const {
  if (decoder_) return decoder_->Read(offset, length, out);
  return ReadRaw(offset, length, out);
}

int64_t InputFile::ReadRaw(int64_t offset, int64_t length, char* out) const {
  if (s3_) return s3_->Read(offset, length, out);
  int64_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd_, out + done, length - done, offset + done);
    if (n < 0) {
      if (errno == EINTR) continue;
      FailIO(path_, "read failed");
    }
    if (n == 0) break;
    done += n;
  }
  return done;
}

}  // namespace outcore
