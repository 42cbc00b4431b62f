#include "io/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "outcore/error.h"

namespace outcore {
namespace {

[[noreturn]] void IoFail(const std::string& path, const char* what) {
  Fail(ErrorCode::kIO, path + ": " + what + ": " + std::strerror(errno));
}

std::string Hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) IoFail(path, "cannot open");
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      errno = saved;
      IoFail(path, "read failed");
    }
    if (n == 0) break;
    out.append(buf, n);
  }
  close(fd);
  return out;
}

void SyncDirectory(const std::string& dir) {
  int fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

void WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::string tmp = path + ".tmp-" + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) IoFail(tmp, "cannot create");
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      unlink(tmp.c_str());
      errno = saved;
      IoFail(path, "write failed");
    }
    done += n;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int saved = errno;
    unlink(tmp.c_str());
    errno = saved;
    IoFail(path, "write failed");
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    unlink(tmp.c_str());
    errno = saved;
    IoFail(path, "cannot rename into place");
  }
  size_t slash = path.find_last_of('/');
  SyncDirectory(slash == std::string::npos ? "." : path.substr(0, slash));
}

std::string HashHex(const std::string& bytes) { return Hex(XXH3_64bits(bytes.data(), bytes.size())); }

std::string HashFileHex(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) IoFail(path, "cannot open");
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), XXH3_freeState);
  XXH3_64bits_reset(state.get());
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      IoFail(path, "read failed");
    }
    if (n == 0) break;
    XXH3_64bits_update(state.get(), buf.data(), n);
  }
  close(fd);
  return Hex(XXH3_64bits_digest(state.get()));
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) IoFail(path, "cannot open");
  return st.st_size;
}

std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const auto& input : inputs) {
    struct stat st;
    if (input.find("://") != std::string::npos) {
      out.push_back(input);  // a URI: the source decides
    } else if (stat(input.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      std::vector<std::string> files;
      DIR* d = opendir(input.c_str());
      if (d == nullptr) IoFail(input, "cannot list directory");
      while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.empty() || name[0] == '.' || name[0] == '_') continue;
        std::string full = input + (input.back() == '/' ? "" : "/") + name;
        struct stat fst;
        if (stat(full.c_str(), &fst) == 0 && S_ISREG(fst.st_mode)) files.push_back(full);
      }
      closedir(d);
      if (files.empty())
        Fail(ErrorCode::kIO, input + ": directory holds no input files (its regular files are "
                                     "read; names starting with '.' or '_' are skipped)");
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else if (input.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      int rc = glob(input.c_str(), 0, nullptr, &g);
      if (rc != 0 || g.gl_pathc == 0) {
        globfree(&g);
        Fail(ErrorCode::kIO, input + ": no file matches this pattern");
      }
      for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);  // glob sorts
      globfree(&g);
    } else {
      if (stat(input.c_str(), &st) != 0) IoFail(input, "cannot open input");
      out.push_back(input);
    }
  }
  return out;
}

}  // namespace outcore
