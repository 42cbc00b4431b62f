#pragma once
// AWS Signature Version 4 for S3 requests (internal): the canonical request, the string to
// sign and the Authorization header, as the AWS documentation defines them.
#include <string>
#include <utility>
#include <vector>

namespace outcore::s3 {

/// The payload hash S3 accepts in place of the body's SHA-256.
inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";

struct SigningKey {
  std::string access_key_id, secret_access_key;
  std::string region;  // e.g. us-east-1
};

/// One request to sign. `path` is the unencoded path ("/bucket/key with spaces"); `query` the
/// unencoded parameters; `headers` every header to sign (names in any case; `host`,
/// `x-amz-date` and `x-amz-content-sha256` among them).
struct SigningRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // lower-case hex, or kUnsignedPayload
  std::string amz_date;        // YYYYMMDD'T'HHMMSS'Z', the x-amz-date header's value
};

/// Percent-encodes as SigV4 asks: unreserved characters (A-Z a-z 0-9 - . _ ~) kept, '/'
/// kept when `keep_slash`, every other byte as %XX (upper-case hex).
std::string UriEncode(const std::string& text, bool keep_slash);
/// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);
/// The canonical request (exposed for tests).
std::string CanonicalRequest(const SigningRequest& request);
/// The Authorization header's value for `request`.
std::string Authorization(const SigningRequest& request, const SigningKey& key);

}  // namespace outcore::s3
