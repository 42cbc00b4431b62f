// The S3 sink: parts under an s3://bucket/prefix/, laid out as the file sink lays out a
// directory. A worker writes its part to a local staging file and uploads it in one PUT under
// the part's temporary name; the driver commits it by a server-side COPY to its final name
// (atomic: readers see the whole part or nothing) after recording its size and ETag under
// prefix/_outcore/; _SUCCESS is written last. --resume keeps a recorded part only if it is
// still there with that size and ETag, and redoes the others.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "io/s3/s3_client.h"
#include "io/resume_check.h"
#include "outcore/error.h"
#include "outcore/output_names.h"
#include "outcore/sink.h"

namespace outcore {
namespace {

// Where parts are written before their upload: $TMPDIR, else /tmp.
std::string StagingPath(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = tmp && *tmp ? tmp : "/tmp";
  std::string pattern = dir + "/outcore-" + name + "-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd < 0) Fail(ErrorCode::kIO, dir + ": cannot create a staging file for an S3 part: " + std::strerror(errno));
  close(fd);
  return pattern;
}

// Writes a part to a local staging file; Finish uploads it to its temporary object.
class UploadingWriter : public PartWriter {
 public:
  UploadingWriter(std::string staging, s3::Location at, std::unique_ptr<PartWriter> inner)
      : staging_(std::move(staging)), at_(std::move(at)), inner_(std::move(inner)) {}
  ~UploadingWriter() override {
    inner_.reset();
    unlink(staging_.c_str());
  }
  void Write(const Batch& batch) override { inner_->Write(batch); }
  int64_t Finish() override {
    const int64_t rows = inner_->Finish();
    s3::Client::Default().PutFile(at_, staging_);
    return rows;
  }

 private:
  std::string staging_;
  s3::Location at_;
  std::unique_ptr<PartWriter> inner_;
};

class S3Sink : public Sink {
 public:
  explicit S3Sink(OutputSpec output)
      : out_(std::move(output)), dir_(s3::ParseUri(out_.dir)), client_(s3::Client::Default()) {
    if (!dir_.key.empty() && dir_.key.back() != '/') dir_.key += '/';
    state_ = dir_.Child(kStateDirName);
    state_.key += '/';
  }

  std::vector<SplitResult> Prepare(Mode mode, const Json& identity, bool* complete) override {
    *complete = false;
    redone_ = Json::array();
    std::vector<s3::ObjectInfo> present = client_.List(dir_.bucket, dir_.key);
    if (!present.empty() && mode == Mode::kFresh)
      Fail(ErrorCode::kUsage, out_.dir + ": output prefix is not empty; use --overwrite to replace "
                                         "its outcore output or --resume to finish an interrupted run");
    std::vector<SplitResult> done;
    if (mode == Mode::kOverwrite) ClearOurs(present);
    if (mode == Mode::kResume) {
      const bool finished = Find(present, dir_.key + kManifestName) != nullptr;
      if (Find(present, state_.key + kRunRecordName) != nullptr) {
        Json before = Json::parse(client_.Get(state_.Child(kRunRecordName)), nullptr, false);
        if (!MayResume(before, identity)) RefuseResume(out_.dir, before, identity);
        for (const s3::ObjectInfo& o : present) {
          if (o.key.rfind(state_.key, 0) != 0) continue;
          const std::string name = o.key.substr(state_.key.size());
          if (ParseOutputName(name).kind != OutputNameKind::kPartRecord) continue;
          Json j = Json::parse(client_.Get(state_.Child(name)), nullptr, false);
          if (j.is_discarded()) continue;
          SplitResult r = SplitResult::FromJson(j);
          std::string why = CheckPart(present, r.part_name, j);
          if (why.empty()) {
            done.push_back(std::move(r));
          } else {
            redone_.push_back({{"part", r.part_name}, {"why", why}});
            client_.Delete(dir_.Child(r.part_name));
            client_.Delete(state_.Child(name));
          }
        }
        const size_t splits = identity.is_object() ? identity.value("splits", size_t{0}) : 0;
        if (finished && redone_.empty() && done.size() == splits) {
          *complete = true;
          return {};
        }
        if (finished) client_.Delete(dir_.Child(kManifestName));  // no longer true
      } else if (finished) {
        Fail(ErrorCode::kUsage, out_.dir + ": cannot resume: the finished run's " + kStateDirName +
                                    "/ with its run record is gone (use --overwrite to start over)");
      } else {
        ClearOurs(present);  // parts without a run record cannot be trusted
      }
      DiscardLeftovers();
    }
    client_.Put(state_.Child(kRunRecordName), identity.dump(2));
    return done;
  }

  std::unique_ptr<PartWriter> OpenPart(SplitResult* r, int64_t attempt, const Schema& schema) override {
    r->part_name = PartName(r->ordinal, out_.format);
    r->temp_path = TempPartPath(out_, r->ordinal, attempt);
    const std::string staging = StagingPath(r->part_name);
    return std::make_unique<UploadingWriter>(staging, s3::ParseUri(r->temp_path),
                                             OpenPartWriter(staging, out_.format, schema, out_.writer));
  }

  // The record goes first: a visible part always has one, with the size and ETag that --resume
  // checks before it keeps the part (a server-side copy keeps a single PUT's ETag, its MD5).
  void Commit(const SplitResult& r) override {
    const s3::Location temp = s3::ParseUri(r.temp_path);
    std::optional<s3::ObjectInfo> info = client_.Head(temp);
    if (!info) Fail(ErrorCode::kIO, r.temp_path + ": a worker wrote this part, but it is not in the bucket");
    Json record = r.ToJson();
    record["bytes"] = info->size;
    record["etag"] = info->etag;
    client_.Put(state_.Child(PartRecordName(r.ordinal, out_.format)), record.dump());
    client_.Copy(temp, dir_.Child(r.part_name));
    client_.Delete(temp);
  }

  // Cleaning up is best effort (the server may be the reason the run failed): a temporary
  // object left behind is invisible as a part, and the next --resume or --overwrite removes it.
  void Abort(const SplitResult& r) override {
    try {
      if (!r.temp_path.empty()) client_.Delete(s3::ParseUri(r.temp_path));
    } catch (const Error&) {
    }
  }

  void Discard(const SplitResult& r) override { Abort(r); }

  int64_t DiscardLeftovers() override {
    int64_t removed = 0;
    try {
      for (const s3::ObjectInfo& o : client_.List(dir_.bucket, dir_.key)) {
        if (ParseOutputName(o.key.substr(dir_.key.size())).kind != OutputNameKind::kTempPart) continue;
        client_.Delete(dir_.Child(o.key.substr(dir_.key.size())));
        ++removed;
      }
    } catch (const Error&) {
    }
    return removed;
  }

  void Finish(const Json& manifest) override {
    Json m = manifest;
    if (m.contains("parts") && m["parts"].is_array()) {
      std::vector<s3::ObjectInfo> present = client_.List(dir_.bucket, dir_.key);
      for (Json& part : m["parts"]) {
        const std::string file = part.value("file", std::string());
        if (const s3::ObjectInfo* o = Find(present, dir_.key + file)) {
          part["bytes"] = o->size;
          part["etag"] = o->etag;
        }
      }
    }
    client_.Put(dir_.Child(kManifestName), m.dump(2) + "\n");
  }

  Json Manifest() override { return Json::parse(client_.Get(dir_.Child(kManifestName))); }

  Json Redone() const override { return redone_; }

 private:
  static const s3::ObjectInfo* Find(const std::vector<s3::ObjectInfo>& objects, const std::string& key) {
    auto it = std::find_if(objects.begin(), objects.end(), [&](const s3::ObjectInfo& o) { return o.key == key; });
    return it == objects.end() ? nullptr : &*it;
  }

  // Only objects by our names directly under the prefix, and our state objects.
  void ClearOurs(const std::vector<s3::ObjectInfo>& present) {
    for (const s3::ObjectInfo& o : present) {
      const std::string name = o.key.substr(dir_.key.size());
      if (o.key.rfind(state_.key, 0) == 0 || (name.find('/') == std::string::npos && IsOurOutputDirEntry(name)))
        client_.Delete(s3::Location{dir_.bucket, o.key});
    }
  }

  std::string CheckPart(const std::vector<s3::ObjectInfo>& present, const std::string& name, const Json& record) const {
    const s3::ObjectInfo* o = Find(present, dir_.key + name);
    if (o == nullptr) return "missing";
    const int64_t bytes = record.value("bytes", int64_t{-1});
    if (o->size != bytes)
      return "size changed: " + std::to_string(o->size) + " bytes, " + std::to_string(bytes) + " when committed";
    const std::string etag = record.value("etag", std::string());
    if (o->etag != etag) return "ETag changed: " + o->etag + ", " + etag + " when committed";
    return "";
  }

  OutputSpec out_;
  s3::Location dir_, state_;
  const s3::Client& client_;
  Json redone_ = Json::array();
};

}  // namespace

std::unique_ptr<Sink> MakeS3Sink(const OutputSpec& output) { return std::make_unique<S3Sink>(output); }

}  // namespace outcore
