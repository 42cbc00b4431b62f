#include "io/part_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "outcore/error.h"

namespace outcore {
namespace {
// Large enough that write(2) calls are rare next to the work of encoding the data.
constexpr size_t kBufferSize = 1 << 20;

// Whether the buffer that `type` uses holds `length` rows.
bool BuffersHoldRows(const Column& c) {
  const size_t n = static_cast<size_t>(c.length);
  if (!c.valid.empty() && c.valid.size() < n) return false;
  switch (c.type) {
    case DataType::kF64:
      return c.f64.size() >= n;
    case DataType::kI64:
    case DataType::kTimestamp:
      return c.i64.size() >= n;
    case DataType::kBool:
      return c.u8.size() >= n;
    case DataType::kString:
      return c.offsets.size() >= n + 1 && c.offsets[n] <= static_cast<int64_t>(c.chars.size());
    case DataType::kCategory:
      return c.codes.size() >= n && (c.dict || n == 0);
  }
  return false;
}

}  // namespace

void CheckBatchForWrite(const std::string& path, const Schema& schema, const Batch& batch) {
  if (batch.schema.size() != schema.size() ||
      batch.columns.size() != static_cast<size_t>(schema.size())) {
    Fail(ErrorCode::kSchema, path + ": batch has " + std::to_string(batch.columns.size()) +
                                 " columns, the part was opened with " +
                                 std::to_string(schema.size()));
  }
  for (int i = 0; i < schema.size(); ++i) {
    const Field& want = schema.field(i);
    const Column& column = *batch.columns[i];
    if (batch.schema.field(i).name != want.name || column.type != want.type) {
      Fail(ErrorCode::kSchema, path + ": batch column " + std::to_string(i) + " is '" +
                                   batch.schema.field(i).name + "' (" +
                                   std::string(TypeName(column.type)) + "), expected '" +
                                   want.name + "' (" + std::string(TypeName(want.type)) + ")");
    }
    if (column.length != batch.num_rows || !BuffersHoldRows(column)) {
      Fail(ErrorCode::kInternal, path + ": column '" + want.name + "' does not hold " +
                                     std::to_string(batch.num_rows) + " rows");
    }
  }
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) Fail("open for writing", errno);
  buffer_.reserve(kBufferSize);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::Fail(const char* what, int error) const {
  throw Error(ErrorCode::kIO, path_ + ": " + what + " failed: " + std::strerror(error));
}

void OutputFile::WriteAll(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail("write", errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void OutputFile::Flush() {
  WriteAll(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void OutputFile::Append(std::string_view data) {
  offset_ += static_cast<int64_t>(data.size());
  if (buffer_.size() + data.size() <= kBufferSize) {
    buffer_.append(data);
    return;
  }
  Flush();
  if (data.size() >= kBufferSize) {
    WriteAll(data.data(), data.size());  // large blocks skip the copy
  } else {
    buffer_.append(data);
  }
}

void OutputFile::Close() {
  Flush();
  // Pipes and character devices cannot be synced; that is not a failed write.
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) Fail("fsync", errno);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) Fail("close", errno);
}

}  // namespace outcore
