// S3 plumbing without a server: SigV4 against the example in AWS's documentation, URIs, the
// configuration the AWS tools read (environment, profiles, endpoint), and a request to a port
// nothing listens on (retried, then an error that names the object and not the secret).
// tests/e2e/s3.sh covers requests to a real S3-compatible server.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <optional>

#include "io/input_file.h"
#include "io/s3/s3_client.h"
#include "io/s3/sigv4.h"
#include "test_util.h"

namespace outcore::s3 {
namespace {

using testing::ExpectError;

// "GET Object" in AWS's "Signature Calculations for the Authorization Header" examples.
SigningRequest AwsExampleGet() {
  SigningRequest r;
  r.method = "GET";
  r.path = "/test.txt";
  r.amz_date = "20130524T000000Z";
  r.payload_sha256 = Sha256Hex("");
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", r.payload_sha256},
               {"x-amz-date", r.amz_date}};
  return r;
}

TEST(SigV4, AwsDocumentedGetObjectExample) {
  const SigningRequest r = AwsExampleGet();
  EXPECT_EQ(r.payload_sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(CanonicalRequest(r),
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const SigningKey key{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"};
  EXPECT_EQ(Authorization(r, key),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  SigningKey wrong = key;
  wrong.secret_access_key[0] = 'x';
  EXPECT_NE(Authorization(r, wrong), Authorization(r, key));
}

TEST(SigV4, QueryAndPathEncoding) {
  EXPECT_EQ(UriEncode("dir/a b+c~d_e.csv", true), "dir/a%20b%2Bc~d_e.csv");
  EXPECT_EQ(UriEncode("a/b=c&d", false), "a%2Fb%3Dc%26d");
  SigningRequest r;
  r.method = "GET";
  r.path = "/bucket/";
  r.query = {{"prefix", "in/x y"}, {"list-type", "2"}};
  r.headers = {{"host", "h"}};
  r.payload_sha256 = kUnsignedPayload;
  r.amz_date = "20240101T000000Z";
  // Parameters sorted by name, both sides encoded.
  EXPECT_NE(CanonicalRequest(r).find("\nlist-type=2&prefix=in%2Fx%20y\n"), std::string::npos) << CanonicalRequest(r);
}

TEST(S3Uri, BucketAndKey) {
  Location at = ParseUri("s3://bucket/dir/file.csv");
  EXPECT_EQ(at.bucket, "bucket");
  EXPECT_EQ(at.key, "dir/file.csv");
  EXPECT_EQ(at.Uri(), "s3://bucket/dir/file.csv");
  EXPECT_EQ(ParseUri("s3://bucket").key, "");
  EXPECT_EQ(ParseUri("s3://bucket/out").Child("part-00000.parquet").key, "out/part-00000.parquet");
  ExpectError([] { ParseUri("s3:///key"); }, ErrorCode::kUsage, "needs a bucket");
  EXPECT_TRUE(IsS3Uri("s3://b/k"));
  EXPECT_FALSE(IsS3Uri("data/s3://x"));
}

// Sets environment variables for one test and restores them after.
class Env {
 public:
  Env(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (const char* name : kNames) {
      const char* v = getenv(name);
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      unsetenv(name);
    }
    for (const auto& [name, value] : vars) setenv(name, value, 1);
  }
  ~Env() {
    for (const auto& [name, value] : saved_) {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }

 private:
  static constexpr const char* kNames[] = {
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
      "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"};
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/outcore-s3-test-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(S3Config, EnvironmentKeysWin) {
  Env env{{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s3cr3t"}, {"AWS_SESSION_TOKEN", "tok"},
          {"AWS_REGION", "eu-west-3"}, {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
          {"AWS_CONFIG_FILE", "/nonexistent"}};
  Config c = ConfigFromEnvironment();
  EXPECT_EQ(c.key.access_key_id, "AKID");
  EXPECT_EQ(c.key.secret_access_key, "s3cr3t");
  EXPECT_EQ(c.session_token, "tok");
  EXPECT_EQ(c.key.region, "eu-west-3");
  EXPECT_EQ(c.endpoint, "https://s3.eu-west-3.amazonaws.com");  // AWS: virtual-hosted style
  EXPECT_FALSE(c.path_style);
  EXPECT_EQ(c.credentials_from.find("s3cr3t"), std::string::npos);
}

TEST(S3Config, ProfileFilesAndEndpoint) {
  const std::string creds = WriteTemp("credentials",
                                      "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = d\n"
                                      "# a comment\n[prod]\naws_access_key_id=PRODKEY\naws_secret_access_key = p/s+x\n");
  const std::string config = WriteTemp("config", "[default]\nregion = us-west-2\n[profile prod]\nregion = ap-south-1\n");
  {
    Env env{{"AWS_SHARED_CREDENTIALS_FILE", creds.c_str()}, {"AWS_CONFIG_FILE", config.c_str()}};
    Config c = ConfigFromEnvironment();
    EXPECT_EQ(c.key.access_key_id, "DEFAULTKEY");
    EXPECT_EQ(c.key.region, "us-west-2");
  }
  {
    Env env{{"AWS_SHARED_CREDENTIALS_FILE", creds.c_str()}, {"AWS_CONFIG_FILE", config.c_str()},
            {"AWS_PROFILE", "prod"}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"}};
    Config c = ConfigFromEnvironment();
    EXPECT_EQ(c.key.access_key_id, "PRODKEY");
    EXPECT_EQ(c.key.secret_access_key, "p/s+x");
    EXPECT_EQ(c.key.region, "ap-south-1");
    EXPECT_EQ(c.endpoint, "http://127.0.0.1:9000");  // S3-compatible servers: path style
    EXPECT_TRUE(c.path_style);
    EXPECT_NE(c.credentials_from.find("profile 'prod'"), std::string::npos) << c.credentials_from;
  }
  {
    Env env{{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}, {"AWS_CONFIG_FILE", "/nonexistent"}};
    Config c = ConfigFromEnvironment();
    EXPECT_TRUE(c.key.access_key_id.empty());  // anonymous: public buckets
    EXPECT_EQ(c.key.region, "us-east-1");
  }
  unlink(creds.c_str());
  unlink(config.c_str());
}

TEST(S3Client, UnreachableServerIsRetriedThenNamed) {
  Config c;
  c.key = SigningKey{"AKID", "the-secret-value", "us-east-1"};
  c.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  c.path_style = true;
  Client client(c);
  const int64_t retries_before = GlobalCounters().retries.load();
  ExpectError([&] { client.Head(ParseUri("s3://bucket/dir/x.csv")); }, ErrorCode::kIO,
              "s3://bucket/dir/x.csv: HEAD failed after 5 tries: cannot reach http://127.0.0.1:1");
  EXPECT_EQ(GlobalCounters().retries.load() - retries_before, 4);
  try {
    client.Head(ParseUri("s3://bucket/dir/x.csv"));
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("the-secret-value"), std::string::npos);
  }
}

}  // namespace
}  // namespace outcore::s3
