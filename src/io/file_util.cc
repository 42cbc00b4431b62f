#include "io/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "io/input_file.h"
#include "io/s3/s3_client.h"
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

// The objects an s3:// input names, in key order: an object; a "directory" (a key ending in
// '/', a bucket, or a key that is no object but a prefix of KEY/...), whose objects directly
// under it are read as a directory's files are; or a pattern with * ? [, matched as the shell
// matches paths (a '*' stops at '/').
std::vector<std::string> ExpandS3(const std::string& input) {
  const s3::Client& client = s3::Client::Default();
  const s3::Location at = s3::ParseUri(input);
  const size_t glob_at = at.key.find_first_of("*?[");
  std::vector<std::string> out;
  if (glob_at != std::string::npos) {
    const std::string prefix = at.key.substr(0, glob_at);
    for (const s3::ObjectInfo& o : client.List(at.bucket, prefix.substr(0, prefix.rfind('/') + 1)))
      if (fnmatch(at.key.c_str(), o.key.c_str(), FNM_PATHNAME) == 0) out.push_back("s3://" + at.bucket + "/" + o.key);
    if (out.empty()) Fail(ErrorCode::kIO, input + ": no object matches this pattern");
    return out;
  }
  if (!at.key.empty() && at.key.back() != '/') {
    if (client.Head(at)) return {input};
  }
  const std::string dir = at.key.empty() || at.key.back() == '/' ? at.key : at.key + "/";
  for (const s3::ObjectInfo& o : client.List(at.bucket, dir)) {
    const std::string name = o.key.substr(dir.size());
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.' || name[0] == '_') continue;
    out.push_back("s3://" + at.bucket + "/" + o.key);
  }
  if (out.empty())
    Fail(ErrorCode::kIO, input + (dir == at.key ? ": holds no input objects (the objects directly under the "
                                                  "prefix are read; names starting with '.' or '_' are skipped)"
                                                : ": no such object"));
  return out;
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
  if (IsS3Uri(path)) {
    InputFile file(path);
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), XXH3_freeState);
    XXH3_64bits_reset(state.get());
    std::vector<char> buf(8 << 20);
    for (int64_t at = 0; at < file.size();) {
      const int64_t n = file.Read(at, static_cast<int64_t>(buf.size()), buf.data());
      if (n <= 0) break;
      XXH3_64bits_update(state.get(), buf.data(), n);
      at += n;
    }
    return Hex(XXH3_64bits_digest(state.get()));
  }
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
  if (IsS3Uri(path)) {
    std::optional<s3::ObjectInfo> info = s3::Client::Default().Head(s3::ParseUri(path));
    if (!info) Fail(ErrorCode::kIO, path + ": no such object");
    return info->size;
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) IoFail(path, "cannot open");
  return st.st_size;
}

InputStamp StampInput(const std::string& path) {
  if (IsS3Uri(path)) {
    std::optional<s3::ObjectInfo> info = s3::Client::Default().Head(s3::ParseUri(path));
    if (!info) Fail(ErrorCode::kIO, path + ": no such object");
    return {info->size, "etag:" + info->etag};
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) Fail(ErrorCode::kIO, path + ": no such file");
  return {st.st_size, std::to_string(int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec)};
}

std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const auto& input : inputs) {
    struct stat st;
    if (IsS3Uri(input)) {
      std::vector<std::string> objects = ExpandS3(input);
      out.insert(out.end(), objects.begin(), objects.end());
    } else if (input.find("://") != std::string::npos) {
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
