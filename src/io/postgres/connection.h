#pragma once
// PostgreSQL plumbing shared by the source and the sink (internal): URIs, connections with
// clear errors, results, COPY in both directions, and the type map.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outcore/column.h"

// libpq's handles, declared as libpq-fe.h declares them, so that users of this header need
// no libpq include path.
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef unsigned int Oid;

namespace outcore::pg {

/// A postgresql:// URI taken apart (percent-decoded).
struct Uri {
  std::string user, password, host, port, dbname;
  std::vector<std::pair<std::string, std::string>> params;  // other libpq keywords
  std::string table;                                        // ?table=NAME or SCHEMA.NAME
  std::string query;                                        // ?query=SELECT...
  std::string split_by;                                     // &split_by=COL
  std::string redacted;  // the URI as given, without the password: for messages and JSON
};

/// Parses a URI; kUsage error (without the password) when it is malformed.
Uri ParseUri(const std::string& text);

/// "schema"."name" from NAME or SCHEMA.NAME, each part taken exactly (case-sensitive).
std::string QuoteRelation(std::string_view name);
/// "name" with embedded quotes doubled.
std::string QuoteIdent(std::string_view name);
/// 'text' with embedded quotes doubled (standard_conforming_strings is on since 9.1).
std::string QuoteLiteral(std::string_view text);

/// An owned PGresult.
class Result {
 public:
  explicit Result(PGresult* r = nullptr) : r_(r) {}
  PGresult* get() const { return r_.get(); }
  /// True when the statement succeeded (with or without rows).
  bool ok() const;
  int rows() const;
  int columns() const;
  bool IsNull(int row, int col) const;
  std::string Value(int row, int col) const;
  std::string Name(int col) const;
  Oid Type(int col) const;
  /// Rows a command affected (INSERT, COPY, ...).
  int64_t Affected() const;
  /// SQLSTATE of an error ("42P01"), or "".
  std::string SqlState() const;
  /// The server's primary message, one line.
  std::string Message() const;

 private:
  struct Clear {
    void operator()(PGresult* r) const;
  };
  std::unique_ptr<PGresult, Clear> r_;
};

/// One connection, set up so that values print alike everywhere: UTC, ISO dates, shortest
/// round-trip floats, UTF-8. Errors name the server, database and user, never the password.
class Connection {
 public:
  /// Connects; libpq's environment (PGPASSWORD, ~/.pgpass, PGSERVICE, PGHOST, ...) supplies
  /// what the URI leaves out. Failure is a kIO error that says what to check. A password in
  /// the URI that works is remembered for this process, for connections to the same
  /// user@host:port/db without one (splits name the redacted URI).
  explicit Connection(const Uri& uri);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The redacted URI, to start messages with.
  const std::string& where() const { return where_; }
  PGconn* raw() { return conn_; }

  /// Runs one statement with text parameters $1, $2, ...; returns the result even on error.
  Result Run(const std::string& sql, const std::vector<std::string>& params = {});
  /// Runs one statement (or several without parameters); an error is thrown, naming where().
  Result Exec(const std::string& sql, const std::vector<std::string>& params = {});

  /// Starts COPY ... TO STDOUT (text format).
  void StartCopyOut(const std::string& sql);
  /// The next row of the COPY (with its '\n'), valid until the next call; false at the end.
  bool NextCopyRow(std::string_view* row);
  /// Starts COPY ... FROM STDIN (text format).
  void StartCopyIn(const std::string& sql);
  void PutCopyData(std::string_view data);
  /// Ends the COPY FROM STDIN; returns the rows the server stored.
  int64_t EndCopyIn();

  /// Throws the error of a failed result (kIO, kSchema, kUsage or kInvalidInput by SQLSTATE).
  [[noreturn]] void Throw(const Result& result, const std::string& context = "");

 private:
  [[noreturn]] void ThrowConnectionError();

  PGconn* conn_ = nullptr;
  std::string where_;
  std::string password_;  // scrubbed from every message
  char* copy_row_ = nullptr;
};

/// outcore's type for a PostgreSQL column type: integers -> int, real/double/numeric -> float,
/// bool -> bool, timestamp/timestamptz/date -> datetime, anything else -> string (its text).
DataType MapType(Oid type);
/// The PostgreSQL column type outcore writes for a type.
const char* SqlType(DataType type);

// Type OIDs (from pg_type.h, stable across versions).
inline constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kTextOid = 25,
                     kOidOid = 26, kFloat4Oid = 700, kFloat8Oid = 701, kBpcharOid = 1042,
                     kVarcharOid = 1043, kDateOid = 1082, kTimestampOid = 1114,
                     kTimestamptzOid = 1184, kNumericOid = 1700;

}  // namespace outcore::pg
