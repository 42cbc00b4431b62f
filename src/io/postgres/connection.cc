// PostgreSQL URIs, connections and COPY, with errors that say what to do and never hold a
// password.
#include "io/postgres/connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "outcore/error.h"
#include "outcore/postgres.h"

namespace outcore {

bool IsPostgresUri(const std::string& text) {
  return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0;
}

std::string RedactPostgresUri(const std::string& uri) {
  if (!IsPostgresUri(uri)) return uri;  // a file path: callers redact whatever they show
  size_t scheme = uri.find("://");
  std::string out = uri;
  size_t begin = scheme + 3;
  size_t auth_end = std::min(out.find_first_of("/?", begin), out.size());
  size_t at = out.rfind('@', auth_end == 0 ? 0 : auth_end - 1);
  if (at != std::string::npos && at >= begin) {
    size_t colon = out.find(':', begin);
    if (colon < at) out.erase(colon, at - colon);
  }
  size_t question = out.find('?');
  if (question == std::string::npos) return out;
  std::string kept;
  size_t pos = question + 1;
  while (pos <= out.size()) {
    size_t amp = std::min(out.find('&', pos), out.size());
    std::string param = out.substr(pos, amp - pos);
    if (param.rfind("password=", 0) != 0 && param != "password" && !param.empty())
      kept += (kept.empty() ? "" : "&") + param;
    pos = amp + 1;
  }
  return out.substr(0, question) + (kept.empty() ? "" : "?" + kept);
}

}  // namespace outcore

namespace outcore::pg {
namespace {

// Passwords of URIs that connected, by user@host:port/db: splits name the redacted URI, and
// their readers (in this process) connect with the password the planner used.
std::mutex passwords_mutex;
std::map<std::string, std::string>& Passwords() {
  static std::map<std::string, std::string> passwords;
  return passwords;
}
std::string PasswordKey(const Uri& uri) {
  return uri.user + "@" + uri.host + ":" + uri.port + "/" + uri.dbname;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view text, const std::string& redacted) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
    int lo = hi >= 0 ? HexDigit(text[i + 2]) : -1;
    if (lo < 0)
      Fail(ErrorCode::kUsage,
           redacted + ": bad percent-escape in the URI (write a literal % as %25)");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
    text.replace(pos, from.size(), to);
  return text;
}

// Short passwords are not scrubbed: replacing every "a" would garble the message.
std::string Scrub(const std::string& text, const std::string& password) {
  return password.size() < 4 ? text : Replace(text, password, "***");
}

bool Contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// The setup every connection gets, so that text values read and print the same everywhere.
constexpr const char* kSessionSetup =
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1; "
    "SET standard_conforming_strings = on";

}  // namespace

Uri ParseUri(const std::string& text) {
  Uri uri;
  uri.redacted = RedactPostgresUri(text);
  if (!IsPostgresUri(text)) Fail(ErrorCode::kUsage, uri.redacted + ": not a postgresql:// URI");
  std::string_view rest = std::string_view(text).substr(text.find("://") + 3);
  size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  rest = rest.substr(0, question);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) uri.dbname = Decode(rest.substr(slash + 1), uri.redacted);

  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    uri.user = Decode(userinfo.substr(0, colon), uri.redacted);
    if (colon != std::string_view::npos)
      uri.password = Decode(userinfo.substr(colon + 1), uri.redacted);
    authority = authority.substr(at + 1);
  }
  // host[:port], [v6addr][:port], or a comma-separated list of them.
  std::string hosts, ports;
  bool any_port = false;
  for (size_t pos = 0; pos <= authority.size() && !authority.empty();) {
    size_t comma = std::min(authority.find(',', pos), authority.size());
    std::string_view one = authority.substr(pos, comma - pos);
    std::string_view host = one, port;
    size_t bracket = one.rfind(']');
    size_t colon = one.rfind(':');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
      host = one.substr(0, colon);
      port = one.substr(colon + 1);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    for (char c : port)
      if (c < '0' || c > '9') Fail(ErrorCode::kUsage, uri.redacted + ": bad port in the URI");
    any_port = any_port || !port.empty();
    hosts += (pos ? "," : "") + Decode(host, uri.redacted);
    ports += (pos ? "," : "") + std::string(port);
    pos = comma + 1;
  }
  uri.host = hosts;
  if (any_port) uri.port = ports;

  for (size_t pos = 0; pos < query.size();) {
    size_t amp = std::min(query.find('&', pos), query.size());
    std::string_view param = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (param.empty()) continue;
    size_t eq = param.find('=');
    std::string key = Decode(param.substr(0, eq), uri.redacted);
    std::string value =
        eq == std::string_view::npos ? "" : Decode(param.substr(eq + 1), uri.redacted);
    if (key == "table") {
      uri.table = value;
    } else if (key == "query") {
      uri.query = value;
    } else if (key == "split_by") {
      uri.split_by = value;
    } else if (key == "password") {
      uri.password = value;
    } else {
      uri.params.emplace_back(key, value);
    }
  }
  if (!uri.table.empty() && !uri.query.empty())
    Fail(ErrorCode::kUsage, uri.redacted + ": give ?table= or ?query=, not both");
  return uri;
}

std::string QuoteIdent(std::string_view name) {
  return "\"" + Replace(std::string(name), "\"", "\"\"") + "\"";
}

std::string QuoteLiteral(std::string_view text) {
  return "'" + Replace(std::string(text), "'", "''") + "'";
}

std::string QuoteRelation(std::string_view name) {
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return QuoteIdent(name);
  return QuoteIdent(name.substr(0, dot)) + "." + QuoteIdent(name.substr(dot + 1));
}

void Result::Clear::operator()(PGresult* r) const { PQclear(r); }
bool Result::ok() const {
  ExecStatusType status = PQresultStatus(r_.get());
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}
int Result::rows() const { return PQntuples(r_.get()); }
int Result::columns() const { return PQnfields(r_.get()); }
bool Result::IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col); }
std::string Result::Value(int row, int col) const { return PQgetvalue(r_.get(), row, col); }
std::string Result::Name(int col) const { return PQfname(r_.get(), col); }
Oid Result::Type(int col) const { return PQftype(r_.get(), col); }
int64_t Result::Affected() const { return std::atoll(PQcmdTuples(r_.get())); }

std::string Result::SqlState() const {
  const char* s = r_ ? PQresultErrorField(r_.get(), PG_DIAG_SQLSTATE) : nullptr;
  return s ? s : "";
}

std::string Result::Message() const {
  const char* s = r_ ? PQresultErrorField(r_.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (!s && r_) s = PQresultErrorMessage(r_.get());
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Connection::Connection(const Uri& uri) : where_(uri.redacted), password_(uri.password) {
  if (password_.empty()) {
    std::lock_guard<std::mutex> lock(passwords_mutex);
    auto it = Passwords().find(PasswordKey(uri));
    if (it != Passwords().end()) password_ = it->second;
  }
  std::vector<std::pair<std::string, std::string>> settings = {
      {"host", uri.host},        {"port", uri.port},
      {"dbname", uri.dbname},    {"user", uri.user},
      {"password", password_},   {"client_encoding", "UTF8"},
      {"connect_timeout", "10"}, {"application_name", "outcore"}};
  for (const auto& [key, value] : uri.params) {
    bool replaced = false;
    for (auto& s : settings)
      if (s.first == key) s.second = value, replaced = true;
    if (!replaced) settings.emplace_back(key, value);
  }
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : settings) {
    if (value.empty()) continue;  // libpq's environment and defaults decide
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) ThrowConnectionError();
  if (!uri.password.empty()) {  // it works: splits naming the redacted URI may use it
    std::lock_guard<std::mutex> lock(passwords_mutex);
    Passwords()[PasswordKey(uri)] = uri.password;
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);  // "already exists, skipping"
  Exec(kSessionSetup);
}

Connection::~Connection() {
  if (copy_row_) PQfreemem(copy_row_);
  if (conn_) PQfinish(conn_);
}

void Connection::ThrowConnectionError() {
  std::string reason = conn_ ? PQerrorMessage(conn_) : "out of memory";
  auto text = [](const char* s) { return std::string(s ? s : ""); };
  std::string host = conn_ ? text(PQhost(conn_)) : "", port = conn_ ? text(PQport(conn_)) : "";
  std::string db = conn_ ? text(PQdb(conn_)) : "", user = conn_ ? text(PQuser(conn_)) : "";
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  // libpq: 'connection to server at "h", port p failed: FATAL:  <reason>\n' (maybe several).
  size_t fatal = reason.rfind("FATAL:"), failed = reason.rfind("failed: ");
  if (fatal != std::string::npos) {
    reason = reason.substr(fatal + 6);
  } else if (failed != std::string::npos) {
    reason = reason.substr(failed + 8);
  }
  for (char& c : reason)
    if (c == '\t') c = ' ';
  size_t start = reason.find_first_not_of(' ');
  reason = start == std::string::npos ? "" : reason.substr(start);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  for (size_t nl; (nl = reason.find('\n')) != std::string::npos;) reason.replace(nl, 1, "; ");
  reason = Replace(reason, ";  ", "; ");
  std::string hint;
  if (Contains(reason, "password authentication failed")) {
    hint = "the server refused the password of user '" + user +
           "': set the right one in PGPASSWORD, ~/.pgpass or the PGSERVICE entry";
  } else if (Contains(reason, "no password supplied") || Contains(reason, "password is required")) {
    hint =
        "the server asks for a password: set PGPASSWORD, add a line host:port:db:user:password "
        "to ~/.pgpass, or name a service file entry with PGSERVICE";
  } else if (Contains(reason, "database") && Contains(reason, "does not exist")) {
    hint = "create the database or fix its name in the URI";
  } else if (Contains(reason, "role") && Contains(reason, "does not exist")) {
    hint = "fix the user name in the URI (or PGUSER)";
  } else if (Contains(reason, "onnection refused") || Contains(reason, "could not connect") ||
             Contains(reason, "timeout") || Contains(reason, "translate host name")) {
    hint = "check that the server runs and accepts connections at " +
           (host.empty() ? std::string("the default socket") : host + ":" + port);
  } else {
    hint = "check the URI, the credentials and the server's pg_hba.conf";
  }
  std::string message = where_ + ": cannot connect to database '" + db + "' on " +
                        (host.empty() ? std::string("localhost") : host) + ":" + port +
                        " as user '" + user + "': " + reason + " (" + hint + ")";
  Fail(ErrorCode::kIO, Scrub(message, password_));
}

Result Connection::Run(const std::string& sql, const std::vector<std::string>& params) {
  if (params.empty()) return Result(PQexec(conn_, sql.c_str()));
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  return Result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0));
}

Result Connection::Exec(const std::string& sql, const std::vector<std::string>& params) {
  Result r = Run(sql, params);
  if (!r.ok()) Throw(r);
  return r;
}

void Connection::Throw(const Result& result, const std::string& context) {
  std::string state = result.SqlState();
  std::string message = result.get() ? result.Message() : "";
  if (message.empty()) message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  ErrorCode code = ErrorCode::kIO;
  if (state == "42P01" || state == "42703" || state == "42804" || state == "3F000") {
    code = ErrorCode::kSchema;  // no such table, column or schema; wrong type
  } else if (state.rfind("42", 0) == 0 && state != "42501") {
    code = ErrorCode::kUsage;  // a syntax error in ?query=, ...
  } else if (state.rfind("22", 0) == 0 || state.rfind("23", 0) == 0) {
    code = ErrorCode::kInvalidInput;
  }
  std::string text = where_ + ": " + (context.empty() ? "" : context + ": ") + message;
  Fail(code, Scrub(text, password_));
}

void Connection::StartCopyOut(const std::string& sql) {
  Result r(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COPY_OUT) Throw(r);
}

bool Connection::NextCopyRow(std::string_view* row) {
  if (copy_row_) PQfreemem(copy_row_);
  copy_row_ = nullptr;
  int n = PQgetCopyData(conn_, &copy_row_, 0);
  if (n > 0) {
    *row = std::string_view(copy_row_, n);
    return true;
  }
  Result r(PQgetResult(conn_));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) Throw(r, "reading rows");
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  return false;
}

void Connection::StartCopyIn(const std::string& sql) {
  Result r(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COPY_IN) Throw(r);
}

void Connection::PutCopyData(std::string_view data) {
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1)
    Throw(Result(), "writing rows");
}

int64_t Connection::EndCopyIn() {
  if (PQputCopyEnd(conn_, nullptr) != 1) Throw(Result(), "writing rows");
  Result r(PQgetResult(conn_));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) Throw(r, "writing rows");
  int64_t rows = r.Affected();
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  return rows;
}

DataType MapType(Oid type) {
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      return DataType::kI64;
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      return DataType::kF64;
    case kBoolOid:
      return DataType::kBool;
    case kDateOid:
    case kTimestampOid:
    case kTimestamptzOid:
      return DataType::kTimestamp;
    default:
      return DataType::kString;
  }
}

const char* SqlType(DataType type) {
  switch (type) {
    case DataType::kF64:
      return "double precision";
    case DataType::kI64:
      return "bigint";
    case DataType::kBool:
      return "boolean";
    case DataType::kTimestamp:
      return "timestamp";
    case DataType::kString:
    case DataType::kCategory:
      return "text";
  }
  return "text";
}

}  // namespace outcore::pg
