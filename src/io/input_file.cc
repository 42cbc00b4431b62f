#include "io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "outcore/error.h"

namespace outcore {
namespace {

[[noreturn]] void FailIO(const std::string& path, const std::string& what) {
  Fail(ErrorCode::kIO, path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

InputFile::InputFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) FailIO(path, "cannot open");
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    ::close(fd_);
    FailIO(path, "cannot stat");
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    Fail(ErrorCode::kIO, path + ": is a directory");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    Fail(ErrorCode::kIO, path + ": not a regular file (a pipe or a device?): inputs are read in "
                                "byte ranges, in parallel; save the stream to a file first");
  }
  size_ = st.st_size;
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

int64_t InputFile::Read(int64_t offset, int64_t length, char* out) const {
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
