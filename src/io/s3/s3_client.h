#pragma once
// S3 and S3-compatible object storage (internal): s3://bucket/key locations, credentials and
// endpoint taken as the AWS tools take them, and the few requests outcore makes (HEAD, ranged
// GET, LIST, PUT, COPY, DELETE), each signed with SigV4 and retried with backoff.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/s3/sigv4.h"

namespace outcore::s3 {

/// s3://bucket/key taken apart.
struct Location {
  std::string bucket, key;
  std::string Uri() const { return "s3://" + bucket + "/" + key; }
  /// `name` below this location taken as a prefix ("dir/" + name; "dir" gets a '/').
  Location Child(const std::string& name) const;
};

/// Parses s3://bucket[/key]; a kUsage error when the bucket is missing.
Location ParseUri(const std::string& uri);

/// Where requests go and how they are signed.
struct Config {
  SigningKey key;             // empty access key: anonymous requests (public buckets)
  std::string session_token;  // AWS_SESSION_TOKEN / aws_session_token
  std::string endpoint;       // scheme://host[:port], no trailing '/'
  bool path_style = false;    // endpoint/bucket/key, else bucket.host/key
  std::string credentials_from;  // where the key came from, for messages (never the key)
};

/// The configuration of the AWS tools: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
/// AWS_SESSION_TOKEN, else AWS_PROFILE (default "default") in AWS_SHARED_CREDENTIALS_FILE
/// (~/.aws/credentials); AWS_REGION, AWS_DEFAULT_REGION or the profile's region in
/// AWS_CONFIG_FILE (~/.aws/config), else us-east-1; AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL
/// (path-style addressing, for S3-compatible servers), else AWS's regional endpoint.
Config ConfigFromEnvironment();

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  std::string etag;  // without quotes
};

/// Requests made and bytes moved by this process (for benchmarks).
struct Counters {
  std::atomic<int64_t> requests{0}, retries{0}, bytes_received{0}, bytes_sent{0};
};
Counters& GlobalCounters();

/// Makes requests; thread-safe (each thread keeps its own connection). Every failure is a
/// kIO error naming the object (s3://bucket/key), the request and the server's reason, never
/// a credential. Network errors, 5xx, 429 and throttling are retried up to 5 tries with
/// exponential backoff.
class Client {
 public:
  explicit Client(Config config) : config_(std::move(config)) {}
  /// The client of ConfigFromEnvironment(), made once.
  static const Client& Default();

  std::optional<ObjectInfo> Head(const Location& at) const;
  /// Reads [offset, offset + length) into `out`; returns the count (less only at the end).
  int64_t GetRange(const Location& at, int64_t offset, int64_t length, char* out) const;
  std::string Get(const Location& at) const;
  /// Every object whose key starts with `prefix`, in key order.
  std::vector<ObjectInfo> List(const std::string& bucket, const std::string& prefix) const;
  /// Uploads in one PUT (visible whole or not at all); returns the ETag.
  std::string PutFile(const Location& at, const std::string& local_path) const;
  std::string Put(const Location& at, const std::string& bytes) const;
  /// Server-side copy (atomic at the destination).
  void Copy(const Location& from, const Location& to) const;
  void Delete(const Location& at) const;

  const Config& config() const { return config_; }

 private:
  struct Request;
  struct Response;
  Response Send(Request& request) const;
  std::string SendPut(Request& request) const;  // returns the ETag

  Config config_;
};

}  // namespace outcore::s3
