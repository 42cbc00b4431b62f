// The file sink: parts in a directory, each written under a hidden temporary name and renamed
// into place; a record of each committed part, with its size and XXH3-64 checksum, in
// OUTDIR/_outcore/ (for --resume, kept after the run); _SUCCESS written last. --resume keeps
// a recorded part only if it is still there with that size and checksum, and redoes the others.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/file_util.h"
#include "io/input_file.h"
#include "io/resume_check.h"
#include "outcore/error.h"
#include "outcore/output_names.h"
#include "outcore/postgres.h"
#include "outcore/sink.h"

namespace outcore {
namespace {

bool IsAttempt(const std::string& name) { return ParseOutputName(name).kind == OutputNameKind::kTempPart; }

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
  }
  return names;
}

void RemoveTree(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    for (const auto& n : ListDir(path)) RemoveTree(path + "/" + n);
    rmdir(path.c_str());
  } else {
    unlink(path.c_str());
  }
}

void MakeDir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    Fail(ErrorCode::kIO, dir + ": cannot create directory: " + std::strerror(errno));
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

class FileSink : public Sink {
 public:
  explicit FileSink(OutputSpec output) : out_(std::move(output)), state_dir_(out_.dir + "/" + kStateDirName) {}

  std::vector<SplitResult> Prepare(Mode mode, const Json& identity, bool* complete) override {
    *complete = false;
    redone_ = Json::array();
    struct stat st;
    if (stat(out_.dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
      Fail(ErrorCode::kUsage, out_.dir + ": exists and is not a directory");
    std::vector<std::string> present = ListDir(out_.dir);
    if (!present.empty() && mode == Mode::kFresh)
      Fail(ErrorCode::kUsage, out_.dir + ": output directory is not empty; use --overwrite to replace "
                                         "its outcore output or --resume to finish an interrupted run");
    std::vector<SplitResult> done;
    if (mode == Mode::kOverwrite) ClearOurs();
    if (mode == Mode::kResume) {
      const bool finished = Exists(out_.dir + "/" + kManifestName);
      if (Exists(state_dir_ + "/" + kRunRecordName)) {
        Json before = Json::parse(ReadFile(state_dir_ + "/" + kRunRecordName), nullptr, false);
        if (!MayResume(before, identity)) RefuseResume(out_.dir, before, identity);
        std::vector<std::string> names = ListDir(state_dir_);
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
          if (ParseOutputName(name).kind != OutputNameKind::kPartRecord) continue;
          Json j = Json::parse(ReadFile(state_dir_ + "/" + name), nullptr, false);
          if (j.is_discarded()) continue;
          SplitResult r = SplitResult::FromJson(j);
          std::string why = CheckPart(r.part_name, j);
          if (why.empty()) {
            done.push_back(std::move(r));
          } else {
            redone_.push_back({{"part", r.part_name}, {"why", why}});
            unlink((out_.dir + "/" + r.part_name).c_str());
            unlink((state_dir_ + "/" + name).c_str());
          }
        }
        size_t splits = identity.is_object() ? identity.value("splits", size_t{0}) : 0;
        if (finished && redone_.empty() && done.size() == splits) {
          *complete = true;
          return {};
        }
        if (finished) unlink((out_.dir + "/" + kManifestName).c_str());  // no longer true
      } else if (finished) {
        // A finished run without its records (an older outcore removed them): the manifest's
        // checksums still tell whether its parts stand, but a part cannot be redone.
        RefuseUnverifiable();
        *complete = true;
        return {};
      } else {
        ClearOurs();  // parts without a run record cannot be trusted
      }
      for (const auto& n : ListDir(out_.dir))
        if (IsAttempt(n)) unlink((out_.dir + "/" + n).c_str());  // stale attempts
    }
    MakeDir(out_.dir);
    MakeDir(state_dir_);
    WriteFileAtomically(state_dir_ + "/" + kRunRecordName, identity.dump(2));
    return done;
  }

  std::unique_ptr<PartWriter> OpenPart(SplitResult* r, int64_t attempt, const Schema& schema) override {
    r->part_name = PartName(r->ordinal, out_.format);
    r->temp_path = TempPartPath(out_, r->ordinal, attempt);
    return OpenPartWriter(r->temp_path, out_.format, schema, out_.writer);
  }

  // The record goes first: a visible part always has one, with the size and checksum that
  // --resume checks before it keeps the part.
  void Commit(const SplitResult& r) override {
    if (!Exists(r.temp_path))
      Fail(ErrorCode::kIO, r.temp_path + ": a worker wrote this part, but the driver cannot see it: the "
                           "workers must write to the same directory as the driver (one machine, or a "
                           "shared file system)");
    if (Exists(state_dir_)) {
      Json record = r.ToJson();
      record["bytes"] = FileSize(r.temp_path);
      record["checksum"] = "xxh3:" + HashFileHex(r.temp_path);
      WriteFileAtomically(state_dir_ + "/" + PartRecordName(r.ordinal, out_.format), record.dump());
    }
    std::string final_path = out_.dir + "/" + r.part_name;
    if (rename(r.temp_path.c_str(), final_path.c_str()) != 0)
      Fail(ErrorCode::kIO, final_path + ": cannot rename part into place: " + std::strerror(errno));
  }

  void Abort(const SplitResult& r) override { unlink(r.temp_path.c_str()); }

  void Discard(const SplitResult& r) override { unlink(r.temp_path.c_str()); }

  int64_t DiscardLeftovers() override {
    int64_t removed = 0;
    for (const auto& n : ListDir(out_.dir))
      if (IsAttempt(n) && unlink((out_.dir + "/" + n).c_str()) == 0) ++removed;
    return removed;
  }

  // The records stay: a later --resume of the finished output checks its parts against them.
  // _SUCCESS lists each part's size and checksum too.
  void Finish(const Json& manifest) override {
    SyncDirectory(out_.dir);
    Json m = manifest;
    if (m.contains("parts") && m["parts"].is_array()) {
      for (Json& part : m["parts"]) {
        OutputName file = ParseOutputName(part.value("file", std::string()));
        if (file.kind != OutputNameKind::kPart) continue;
        std::string record = state_dir_ + "/" + PartRecordName(file.ordinal, file.format);
        if (!Exists(record)) continue;
        Json j = Json::parse(ReadFile(record), nullptr, false);
        if (j.is_object() && j.contains("checksum")) {
          part["bytes"] = j["bytes"];
          part["checksum"] = j["checksum"];
        }
      }
    }
    WriteFileAtomically(out_.dir + "/" + kManifestName, m.dump(2) + "\n");
    SyncDirectory(out_.dir);
  }

  Json Manifest() override { return Json::parse(ReadFile(out_.dir + "/" + kManifestName)); }

  Json Redone() const override { return redone_; }

 private:
  // Only files by our names, and our state directory: a directory that happens to be named
  // like a part is not ours (unlink leaves it, and the run then fails to put the part there).
  void ClearOurs() {
    for (const auto& n : ListDir(out_.dir)) {
      if (n == kStateDirName)
        RemoveTree(out_.dir + "/" + n);
      else if (IsOurOutputDirEntry(n))
        unlink((out_.dir + "/" + n).c_str());
    }
  }

  // Why the committed part `name`, recorded as `record`, cannot be kept; "" if it can.
  std::string CheckPart(const std::string& name, const Json& record) const {
    std::string path = out_.dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "missing";
    if (!record.contains("checksum")) return "";  // recorded by an older outcore: no checksum
    int64_t bytes = record.value("bytes", int64_t{-1});
    if (st.st_size != bytes)
      return "size changed: " + std::to_string(st.st_size) + " bytes, " +
             std::to_string(bytes) + " when committed";
    std::string sum = "xxh3:" + HashFileHex(path);
    if (sum != record.value("checksum", std::string()))
      return "checksum changed: " + sum + ", " + record.value("checksum", std::string()) +
             " when committed";
    return "";
  }

  // A finished output without resume records: its parts are checked against _SUCCESS, and
  // one missing or changed is refused (there is nothing to redo it from).
  void RefuseUnverifiable() const {
    Json m = Json::parse(ReadFile(out_.dir + "/" + kManifestName), nullptr, false);
    std::string bad;
    if (m.is_object() && m.contains("parts") && m["parts"].is_array()) {
      for (const Json& part : m["parts"]) {
        if (!part.is_object() || !part.contains("file") || !part["file"].is_string()) continue;
        std::string why = CheckPart(part["file"], part);
        if (!why.empty()) bad += (bad.empty() ? "" : ", ") + part["file"].get<std::string>() + " (" + why + ")";
      }
    }
    if (!bad.empty())
      Fail(ErrorCode::kUsage, out_.dir + ": cannot resume: the finished run's " + bad +
                                  " cannot be redone: " + kStateDirName +
                                  "/ with its run record is gone (use --overwrite to start over)");
  }

  OutputSpec out_;
  std::string state_dir_;
  Json redone_ = Json::array();
};

}  // namespace

std::string TempPartPath(const OutputSpec& output, int64_t ordinal, int64_t attempt) {
  const bool slash = !output.dir.empty() && output.dir.back() == '/';
  return output.dir + (slash ? "" : "/") + TempPartName(ordinal, output.format, attempt);
}

std::unique_ptr<Sink> MakeS3Sink(const OutputSpec& output);  // s3_sink.cc

std::unique_ptr<Sink> OpenSink(const OutputSpec& output) {
  if (IsPostgresUri(output.dir)) return MakePostgresSink(output);
  if (IsS3Uri(output.dir)) return MakeS3Sink(output);
  return std::make_unique<FileSink>(output);
}

}  // namespace outcore
