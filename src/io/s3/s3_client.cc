#include "io/s3/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "io/input_file.h"
#include "outcore/error.h"

namespace outcore {

bool IsS3Uri(const std::string& path) { return path.rfind("s3://", 0) == 0; }

S3Usage S3UsageSoFar() {
  const s3::Counters& c = s3::GlobalCounters();
  return {c.requests.load(), c.retries.load(), c.bytes_received.load(), c.bytes_sent.load()};
}

namespace s3 {
namespace {

constexpr int kTries = 5;
constexpr int kFirstBackoffMs = 100;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The keys of section [name] of an INI file (the AWS tools' credentials and config files).
std::map<std::string, std::string> IniSection(const std::string& path, const std::string& name) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = Trim(line.substr(1, line.size() - 2)) == name;
      continue;
    }
    size_t eq = line.find('=');
    if (inside && eq != std::string::npos) out[Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return out;
}

std::string HomeFile(const char* env, const char* relative) {
  std::string v = Env(env);
  if (!v.empty()) return v;
  std::string home = Env("HOME");
  return home.empty() ? "" : home + "/" + relative;
}

// "20240315T140500Z" for now.
std::string AmzDate() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string XmlUnescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static const std::pair<const char*, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (const auto& [text, c] : kEntities) {
      if (s.compare(i, std::strlen(text), text) == 0) {
        out += c;
        i += std::strlen(text) - 1;
        done = true;
        break;
      }
    }
    if (!done) out += '&';
  }
  return out;
}

// The text of each <tag>...</tag> in `xml`, from `from`.
std::vector<std::string> XmlAll(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t at = 0;
  while ((at = xml.find(open, at)) != std::string::npos) {
    size_t end = xml.find(close, at + open.size());
    if (end == std::string::npos) break;
    out.push_back(xml.substr(at + open.size(), end - at - open.size()));
    at = end + close.size();
  }
  return out;
}

std::string XmlFirst(const std::string& xml, const std::string& tag) {
  auto all = XmlAll(xml, tag);
  return all.empty() ? "" : XmlUnescape(all[0]);
}

std::string Unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One connection per thread, reused across requests (keep-alive).
CURL* ThreadHandle() {
  GlobalInit();
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() { curl_easy_cleanup(curl); }
  };
  thread_local Handle handle;
  if (handle.curl == nullptr) Fail(ErrorCode::kInternal, "libcurl: cannot create a handle");
  return handle.curl;
}

}  // namespace

Location Location::Child(const std::string& name) const {
  Location out = *this;
  if (!out.key.empty() && out.key.back() != '/') out.key += '/';
  out.key += name;
  return out;
}

Location ParseUri(const std::string& uri) {
  if (uri.rfind("s3://", 0) != 0) Fail(ErrorCode::kUsage, uri + ": not an s3:// URI");
  std::string rest = uri.substr(5);
  size_t slash = rest.find('/');
  Location out;
  out.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) out.key = rest.substr(slash + 1);
  if (out.bucket.empty()) Fail(ErrorCode::kUsage, uri + ": an s3:// URI needs a bucket: s3://BUCKET/KEY");
  return out;
}

Config ConfigFromEnvironment() {
  Config c;
  const std::string profile = Env("AWS_PROFILE").empty() ? "default" : Env("AWS_PROFILE");
  const std::string config_file = HomeFile("AWS_CONFIG_FILE", ".aws/config");
  const auto profile_config =
      IniSection(config_file, profile == "default" ? "default" : "profile " + profile);
  if (!Env("AWS_ACCESS_KEY_ID").empty()) {
    c.key.access_key_id = Env("AWS_ACCESS_KEY_ID");
    c.key.secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
    c.session_token = Env("AWS_SESSION_TOKEN");
    c.credentials_from = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  } else {
    const std::string file = HomeFile("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    auto creds = IniSection(file, profile);
    if (creds.empty()) creds = profile_config;  // keys may live in the config file too
    if (creds.count("aws_access_key_id")) {
      c.key.access_key_id = creds["aws_access_key_id"];
      c.key.secret_access_key = creds["aws_secret_access_key"];
      c.session_token = creds["aws_session_token"];
      c.credentials_from = "profile '" + profile + "' in " + file;
    } else {
      c.credentials_from = "no credentials (anonymous requests: set AWS_ACCESS_KEY_ID and "
                           "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)";
    }
  }
  c.key.region = Env("AWS_REGION");
  if (c.key.region.empty()) c.key.region = Env("AWS_DEFAULT_REGION");
  if (c.key.region.empty() && profile_config.count("region")) c.key.region = profile_config.at("region");
  if (c.key.region.empty()) c.key.region = "us-east-1";
  std::string endpoint = Env("AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL");
  if (endpoint.empty() && profile_config.count("endpoint_url")) endpoint = profile_config.at("endpoint_url");
  if (!endpoint.empty()) {
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    if (endpoint.find("://") == std::string::npos) endpoint = "https://" + endpoint;
    c.endpoint = endpoint;
    c.path_style = true;
  } else {
    c.endpoint = "https://s3." + c.key.region + ".amazonaws.com";
    c.path_style = false;
  }
  return c;
}

Counters& GlobalCounters() {
  static Counters counters;
  return counters;
}

const Client& Client::Default() {
  static const Client client(ConfigFromEnvironment());
  return client;
}

struct Client::Request {
  Request(std::string m, Location l, std::string w) : method(std::move(m)), at(std::move(l)), what(std::move(w)) {}
  std::string method;  // GET HEAD PUT DELETE
  Location at;         // key may be empty (bucket requests)
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // signed, beside the usual ones
  // The body: a file (PUT of a part), else `body`.
  std::string body;
  std::string body_file;
  // Where a GET's body goes: `out` (at most `out_capacity` bytes) or the response's body.
  char* out = nullptr;
  int64_t out_capacity = 0;
  std::string what;  // "GET", "ranged GET", "LIST", ... for messages
};

struct Client::Response {
  long status = 0;
  std::string body;
  int64_t received = 0;  // bytes written to Request::out
  std::string etag;
  int64_t content_length = -1;
};

namespace {

struct Transfer {
  std::string* body = nullptr;
  char* out = nullptr;
  int64_t capacity = 0, received = 0;
  bool overflow = false;
  // Upload.
  const std::string* upload = nullptr;
  size_t upload_pos = 0;
  FILE* upload_file = nullptr;
  std::string etag;
  int64_t content_length = -1;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->out != nullptr) {
    if (t->received + static_cast<int64_t>(n) > t->capacity) {
      t->overflow = true;
      return 0;
    }
    std::memcpy(t->out + t->received, data, n);
  } else {
    t->body->append(data, n);
  }
  t->received += static_cast<int64_t>(n);
  return n;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t room = size * count;
  if (t->upload_file != nullptr) return std::fread(buffer, 1, room, t->upload_file);
  const size_t n = std::min(room, t->upload->size() - t->upload_pos);
  std::memcpy(buffer, t->upload->data() + t->upload_pos, n);
  t->upload_pos += n;
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string line(data, n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = Trim(line.substr(colon + 1));
    if (name == "etag") t->etag = Unquote(value);
    if (name == "content-length") t->content_length = std::atoll(value.c_str());
  }
  return n;
}

bool Retryable(long status, const std::string& code) {
  return status >= 500 || status == 429 || code == "SlowDown" || code == "RequestTimeout" ||
         code == "RequestTimeTooSkewed";
}

}  // namespace

Client::Response Client::Send(Request& r) const {
  const std::string host_and_base = config_.endpoint.substr(config_.endpoint.find("://") + 3);
  const std::string scheme = config_.endpoint.substr(0, config_.endpoint.find("://"));
  std::string host = host_and_base, path;
  if (config_.path_style) {
    path = "/" + r.at.bucket + (r.at.key.empty() ? "" : "/" + r.at.key);
  } else {
    host = r.at.bucket + "." + host_and_base;
    path = "/" + r.at.key;
  }
  if (r.at.key.empty() && config_.path_style) path += "/";
  std::string url = scheme + "://" + host + UriEncode(path, true);
  std::string query_text;
  for (const auto& [k, v] : r.query) query_text += (query_text.empty() ? "?" : "&") + UriEncode(k, false) + "=" + UriEncode(v, false);
  url += query_text;
  const std::string what = r.what.empty() ? r.method : r.what;
  const std::string object = r.at.Uri();

  int64_t upload_size = 0;
  if (!r.body_file.empty()) {
    FILE* f = std::fopen(r.body_file.c_str(), "rb");
    if (f == nullptr) Fail(ErrorCode::kIO, r.body_file + ": cannot open for upload: " + std::strerror(errno));
    std::fseek(f, 0, SEEK_END);
    upload_size = std::ftell(f);
    std::fclose(f);
  } else {
    upload_size = static_cast<int64_t>(r.body.size());
  }
  constexpr int64_t kMaxPut = int64_t{5} << 30;  // S3's limit for one PUT
  if (upload_size > kMaxPut)
    Fail(ErrorCode::kIO, object + ": " + std::to_string(upload_size) +
                             " bytes: one PUT takes at most 5 GiB (use a smaller --split-size)");

  std::string last_error;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    if (attempt > 0) {
      GlobalCounters().retries++;
      static thread_local std::minstd_rand jitter(std::random_device{}());
      const int ms = (kFirstBackoffMs << (attempt - 1)) + static_cast<int>(jitter() % kFirstBackoffMs);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    CURL* curl = ThreadHandle();
    curl_easy_reset(curl);
    Transfer t;
    Response resp;
    t.body = &resp.body;
    t.out = r.out;
    t.capacity = r.out_capacity;
    FILE* upload_file = nullptr;
    const bool has_body = r.method == "PUT" || r.method == "POST";
    if (!r.body_file.empty()) {
      upload_file = std::fopen(r.body_file.c_str(), "rb");
      if (upload_file == nullptr) Fail(ErrorCode::kIO, r.body_file + ": cannot open for upload: " + std::strerror(errno));
      t.upload_file = upload_file;
    } else {
      t.upload = &r.body;
    }

    SigningRequest sign;
    sign.method = r.method;
    sign.path = path;
    sign.query = r.query;
    sign.amz_date = AmzDate();
    sign.payload_sha256 = r.body_file.empty() ? Sha256Hex(r.body) : kUnsignedPayload;
    sign.headers = r.headers;
    sign.headers.emplace_back("host", host);
    sign.headers.emplace_back("x-amz-date", sign.amz_date);
    sign.headers.emplace_back("x-amz-content-sha256", sign.payload_sha256);
    if (!config_.session_token.empty()) sign.headers.emplace_back("x-amz-security-token", config_.session_token);
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : sign.headers)
      if (name != "host") headers = curl_slist_append(headers, (name + ": " + value).c_str());
    if (!config_.key.access_key_id.empty())
      headers = curl_slist_append(headers, ("Authorization: " + Authorization(sign, config_.key)).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);  // a stalled transfer: < 1 KB/s
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 30L);     // for 30 s is retried
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnWrite);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    if (r.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
      curl_easy_setopt(curl, CURLOPT_READDATA, &t);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload_size));
    } else if (r.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    GlobalCounters().requests++;
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (upload_file != nullptr) std::fclose(upload_file);
    if (has_body && rc == CURLE_OK) GlobalCounters().bytes_sent += upload_size;
    if (rc != CURLE_OK) {
      if (t.overflow)
        Fail(ErrorCode::kIO, object + ": " + what + ": the server sent more bytes than asked for");
      last_error = std::string("cannot reach ") + config_.endpoint + ": " + curl_easy_strerror(rc);
      continue;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp.status);
    resp.received = t.received;
    resp.etag = t.etag;
    resp.content_length = t.content_length;
    GlobalCounters().bytes_received += t.received;
    // A COPY can fail after its 200: the error is then the body.
    const bool error_body = resp.status >= 300 || (r.what == "COPY" && resp.body.find("<Error>") != std::string::npos);
    if (!error_body) return resp;
    const std::string code = XmlFirst(resp.body, "Code");
    if (resp.status == 404 || resp.status == 416) return resp;  // the caller decides
    std::string reason = "HTTP " + std::to_string(resp.status);
    if (!code.empty()) reason += " " + code;
    const std::string message = XmlFirst(resp.body, "Message");
    if (!message.empty()) reason += ": " + message;
    if (resp.status == 403 && code.empty()) reason += " Forbidden (a wrong secret key, or no permission)";
    if (Retryable(resp.status, code)) {
      last_error = reason;
      continue;
    }
    if (resp.status == 403 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch")
      reason += " (credentials from " + config_.credentials_from + ")";
    Fail(ErrorCode::kIO, object + ": " + what + " refused by " + config_.endpoint + ": " + reason);
  }
  Fail(ErrorCode::kIO, object + ": " + what + " failed after " + std::to_string(kTries) + " tries: " + last_error);
}

std::optional<ObjectInfo> Client::Head(const Location& at) const {
  Request r("HEAD", at, "HEAD");
  Response resp = Send(r);
  if (resp.status == 404) return std::nullopt;
  return ObjectInfo{at.key, resp.content_length, resp.etag};
}

int64_t Client::GetRange(const Location& at, int64_t offset, int64_t length, char* out) const {
  if (length <= 0) return 0;
  Request r("GET", at, "ranged GET");
  r.headers.emplace_back("range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  r.out = out;
  r.out_capacity = length;
  Response resp = Send(r);
  if (resp.status == 416) return 0;  // past the end
  if (resp.status == 404) Fail(ErrorCode::kIO, at.Uri() + ": no such object (was it removed during the run?)");
  if (resp.status == 200 && offset > 0)
    Fail(ErrorCode::kIO, at.Uri() + ": the server ignored the byte range of a GET");
  return resp.received;
}

std::string Client::Get(const Location& at) const {
  Request r("GET", at, "GET");
  Response resp = Send(r);
  if (resp.status == 404) Fail(ErrorCode::kIO, at.Uri() + ": no such object");
  return resp.body;
}

std::vector<ObjectInfo> Client::List(const std::string& bucket, const std::string& prefix) const {
  std::vector<ObjectInfo> out;
  std::string token;
  for (;;) {
    Request r("GET", Location{bucket, ""}, "LIST");
    r.query = {{"list-type", "2"}, {"prefix", prefix}};
    if (!token.empty()) r.query.emplace_back("continuation-token", token);
    Response resp = Send(r);
    if (resp.status == 404)
      Fail(ErrorCode::kIO, "s3://" + bucket + "/" + prefix + ": no such bucket '" + bucket + "'");
    for (const std::string& item : XmlAll(resp.body, "Contents")) {
      ObjectInfo info;
      info.key = XmlFirst(item, "Key");
      info.size = std::atoll(XmlFirst(item, "Size").c_str());
      info.etag = Unquote(XmlFirst(item, "ETag"));
      out.push_back(std::move(info));
    }
    token = XmlFirst(resp.body, "NextContinuationToken");
    if (XmlFirst(resp.body, "IsTruncated") != "true" || token.empty()) break;
  }
  std::sort(out.begin(), out.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

std::string Client::PutFile(const Location& at, const std::string& local_path) const {
  Request r("PUT", at, "PUT");
  r.body_file = local_path;
  return SendPut(r);
}

std::string Client::Put(const Location& at, const std::string& bytes) const {
  Request r("PUT", at, "PUT");
  r.body = bytes;
  return SendPut(r);
}

std::string Client::SendPut(Request& r) const {
  Response resp = Send(r);
  if (resp.status == 404) Fail(ErrorCode::kIO, r.at.Uri() + ": PUT: no such bucket '" + r.at.bucket + "'");
  return resp.etag;
}

void Client::Copy(const Location& from, const Location& to) const {
  Request r("PUT", to, "COPY");
  r.headers.emplace_back("x-amz-copy-source", UriEncode("/" + from.bucket + "/" + from.key, true));
  Response resp = Send(r);
  if (resp.status == 404) Fail(ErrorCode::kIO, from.Uri() + ": COPY to " + to.Uri() + ": no such object");
}

void Client::Delete(const Location& at) const {
  Request r("DELETE", at, "DELETE");
  Send(r);  // 404: already gone
}

}  // namespace s3
}  // namespace outcore
