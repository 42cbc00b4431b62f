#include "io/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace outcore::s3 {
namespace {

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

std::string HmacSha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Leading and trailing spaces removed, inner runs of spaces made one.
std::string TrimValue(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SortedHeaders(const SigningRequest& r) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& [name, value] : r.headers) h.emplace_back(Lower(name), TrimValue(value));
  std::sort(h.begin(), h.end());
  return h;
}

std::string SignedHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  for (const auto& h : headers) out += (out.empty() ? "" : ";") + h.first;
  return out;
}

}  // namespace

std::string UriEncode(const std::string& text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string CanonicalRequest(const SigningRequest& r) {
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : r.query) query.emplace_back(UriEncode(k, false), UriEncode(v, false));
  std::sort(query.begin(), query.end());
  std::string query_text;
  for (const auto& [k, v] : query) query_text += (query_text.empty() ? "" : "&") + k + "=" + v;
  const auto headers = SortedHeaders(r);
  std::string header_text;
  for (const auto& [name, value] : headers) header_text += name + ":" + value + "\n";
  return r.method + "\n" + UriEncode(r.path.empty() ? "/" : r.path, true) + "\n" + query_text + "\n" +
         header_text + "\n" + SignedHeaders(headers) + "\n" + r.payload_sha256;
}

std::string Authorization(const SigningRequest& r, const SigningKey& key) {
  const std::string date = r.amz_date.substr(0, 8);
  const std::string scope = date + "/" + key.region + "/s3/aws4_request";
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + r.amz_date + "\n" + scope + "\n" + Sha256Hex(CanonicalRequest(r));
  std::string k = HmacSha256("AWS4" + key.secret_access_key, date);
  k = HmacSha256(k, key.region);
  k = HmacSha256(k, "s3");
  k = HmacSha256(k, "aws4_request");
  const std::string signature = HmacSha256(k, to_sign);
  return "AWS4-HMAC-SHA256 Credential=" + key.access_key_id + "/" + scope +
         ", SignedHeaders=" + SignedHeaders(SortedHeaders(r)) +
         ", Signature=" + Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace outcore::s3
