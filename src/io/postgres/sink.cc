// The PostgreSQL Sink: a run writes into one table; each split's rows are written in one
// transaction that also records the split in a ledger table, so that a retried or resumed
// split replaces its own rows and nothing else.
//
// A part's life:
//   OpenPart   connect; create the table if missing; BEGIN; pg_advisory_xact_lock(table,
//              split) so that attempts at the same split take turns; DELETE the split's rows
//              if the ledger has the split (an earlier attempt wrote them); COPY FROM STDIN.
//   Write      rows in COPY text format.
//   Finish     end the COPY, record the split in the ledger ('written': rows and attempt),
//              COMMIT: the split's rows and its record appear together, all or nothing.
//   Commit     record the split's SplitResult ('split': committed). It may run in another
//              process than the writer (a Dask driver commits what workers wrote).
//   Abort      remove what this attempt committed, if it is still the split's last writer.
// An error before Finish, a SIGKILL or a lost connection rolls the transaction back.
// The ledger NAME_outcore_ledger (LedgerTableName) holds split_id -1 (the run's identity), one row per written
// split (with its row count), and -2 once the run is complete (its manifest: the table's
// _SUCCESS). --resume keeps a committed split ('split') only if the table still holds the rows
// the ledger counted for it (one GROUP BY split_id count), and redoes the others, whose rows the
// redo replaces: a dropped or truncated table is written again. A fresh run clears a ledger
// whose table is gone.
#include <libpq-fe.h>

#include <charconv>
#include <climits>
#include <cmath>
#include <map>

#include "io/file_util.h"
#include "io/part_file.h"
#include "io/postgres/connection.h"
#include "io/resume_check.h"
#include "outcore/error.h"
#include "outcore/output_names.h"
#include "outcore/postgres.h"

namespace outcore::pg {
namespace {

constexpr int64_t kRunRow = -1;       // ledger row of the run: its identity
constexpr int64_t kCompleteRow = -2;  // ledger row of a finished run: its manifest
constexpr int kTableLock = -1;        // advisory-lock key of table-wide changes
constexpr size_t kCopyChunk = 1 << 20;

// Identity and manifest name the inputs and output by URI: keep passwords out of the ledger.
Json Redact(const Json& j) {
  if (j.is_string() && IsPostgresUri(j.get<std::string>()))
    return RedactPostgresUri(j.get<std::string>());
  if (!j.is_structured()) return j;
  Json out = j;
  for (auto& [key, value] : out.items()) value = Redact(value);
  return out;
}

// The output table, its ledger, and the SQL that names them.
struct Target {
  Uri uri;
  std::string name;    // as given in ?table=
  std::string table;   // quoted
  std::string ledger;  // quoted

  explicit Target(const std::string& dir) : uri(ParseUri(dir)), name(uri.table) {
    if (name.empty() || !uri.query.empty() || !uri.split_by.empty())
      Fail(ErrorCode::kUsage, uri.redacted + ": name the output table with ?table=NAME (only)");
    std::string ledger_name = LedgerTableName(name);
    if (ledger_name.substr(ledger_name.find('.') + 1).size() > 63)  // npos + 1 == 0
      Fail(ErrorCode::kUsage, uri.redacted + ": table name too long for its ledger table '" +
                                  ledger_name + "' (PostgreSQL names have at most 63 bytes)");
    table = QuoteRelation(name);
    ledger = QuoteRelation(ledger_name);
  }
  std::string Lock(int64_t key) const {
    return "SELECT pg_advisory_xact_lock(hashtext(" + QuoteLiteral(name) + "), " +
           std::to_string(key) + ")";
  }
  // The name of one attempt at a part (SplitResult.temp_path): for messages and Abort.
  std::string PartKey(int64_t ordinal, int64_t attempt) const {
    return uri.redacted + "#split=" + std::to_string(ordinal) +
           "&attempt=" + std::to_string(attempt);
  }
};

bool Exists(Connection& conn, const std::string& relation) {
  return conn.Exec("SELECT to_regclass($1) IS NOT NULL", {relation}).Value(0, 0) == "t";
}

std::string ColumnList(const Schema& schema) {
  std::string out;
  for (const auto& f : schema.fields()) out += QuoteIdent(f.name) + ", ";
  return out + "split_id";
}

// Creates the output table if missing and checks that it has the columns this run writes.
void EnsureTable(Connection& conn, const Target& target, const Schema& schema) {
  if (schema.IndexOf("split_id") >= 0)
    Fail(ErrorCode::kUsage, conn.where() +
                                ": --keep split_id clashes with the column outcore "
                                "adds to tell each row's split");
  if (!Exists(conn, target.table)) {
    std::string columns;
    for (const auto& f : schema.fields())
      columns += QuoteIdent(f.name) + " " + SqlType(f.type) + ", ";
    conn.Exec("BEGIN");
    conn.Exec(target.Lock(kTableLock));
    conn.Exec("CREATE TABLE IF NOT EXISTS " + target.table + " (" + columns +
              "split_id bigint NOT NULL)");
    conn.Exec("COMMIT");
  }
  Result r = conn.Exec("SELECT * FROM " + target.table + " LIMIT 0");
  std::string has;
  for (int i = 0; i < r.columns(); ++i) has += (i ? ", " : "") + r.Name(i);
  std::vector<std::string> names;
  for (const auto& f : schema.fields()) names.push_back(f.name);
  names.push_back("split_id");
  for (const auto& name : names)
    if (PQfnumber(r.get(), QuoteIdent(name).c_str()) < 0)
      Fail(ErrorCode::kSchema, conn.where() + ": table '" + target.name + "' has columns (" + has +
                                   ") but this run writes '" + name +
                                   "'; use --overwrite to recreate it, or write to another table");
}

// COPY text escaping: backslash, tab, newline and carriage return.
void AppendEscaped(std::string_view text, std::string* out) {
  for (char c : text) {
    if (c != '\\' && c != '\t' && c != '\n' && c != '\r') {
      *out += c;
      continue;
    }
    *out += '\\';
    *out += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
  }
}

// One value in COPY text format.
void AppendValue(const Column& c, int64_t i, std::string* out) {
  if (c.IsNull(i)) {
    *out += "\\N";
    return;
  }
  char buf[32];
  switch (c.type) {
    case DataType::kF64: {
      double v = c.f64[i];
      if (std::isnan(v)) {
        *out += "NaN";
      } else if (std::isinf(v)) {
        *out += v > 0 ? "Infinity" : "-Infinity";
      } else {
        out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);  // shortest round-trip
      }
      break;
    }
    case DataType::kI64:
      out->append(buf, std::to_chars(buf, buf + sizeof buf, c.i64[i]).ptr);
      break;
    case DataType::kBool:
      *out += c.u8[i] ? 't' : 'f';
      break;
    case DataType::kTimestamp:
      *out += FormatTimestamp(c.i64[i]);
      break;
    case DataType::kString:
      AppendEscaped(c.Str(i), out);
      break;
    case DataType::kCategory:
      AppendEscaped(c.Category(i), out);
      break;
  }
}

class PostgresPartWriter final : public PartWriter {
 public:
  PostgresPartWriter(const Target& target, int64_t ordinal, int64_t attempt, std::string key,
                     Schema schema)
      : target_(target),
        key_(std::move(key)),
        schema_(std::move(schema)),
        split_id_(std::to_string(ordinal)),
        attempt_(std::to_string(attempt)) {
    conn_ = std::make_unique<Connection>(target.uri);
    EnsureTable(*conn_, target, schema_);
    conn_->Exec("BEGIN");
    conn_->Exec(target.Lock(ordinal));
    // Rows of a split exist only if the ledger has the split (they commit together): a first
    // attempt needs no DELETE, hence no scan of the table.
    Result seen =
        conn_->Exec("SELECT 1 FROM " + target.ledger + " WHERE split_id = $1", {split_id_});
    if (seen.rows() > 0)
      conn_->Exec("DELETE FROM " + target.table + " WHERE split_id = " + split_id_);
    conn_->StartCopyIn("COPY " + target.table + " (" + ColumnList(schema_) + ") FROM STDIN");
  }

  void Write(const Batch& batch) override {
    CheckBatchForWrite(key_, schema_, batch);
    for (int64_t row = 0; row < batch.num_rows; ++row) {
      for (const auto& column : batch.columns) {
        AppendValue(*column, row, &buffer_);
        buffer_ += '\t';
      }
      buffer_ += split_id_;
      buffer_ += '\n';
      if (buffer_.size() >= kCopyChunk) Flush();
    }
  }

  // Ends the COPY and commits the rows with their ledger record (see the top of this file).
  // A split the ledger already has as committed stays committed: this attempt rewrote the
  // same rows (a duplicate Dask task).
  int64_t Finish() override {
    Flush();
    int64_t rows = conn_->EndCopyIn();
    Result done = conn_->Exec("INSERT INTO " + target_.ledger +
                                  " (split_id, kind, run_id, rows, attempt, result) " +
                                  "SELECT $1, 'written', run_id, $2, $3, '{}' FROM " +
                                  target_.ledger + " WHERE split_id = " + std::to_string(kRunRow) +
                                  " ON CONFLICT (split_id) DO UPDATE SET rows = EXCLUDED.rows, "
                                  "attempt = EXCLUDED.attempt, committed_at = now()",
                              {split_id_, std::to_string(rows), attempt_});
    if (done.Affected() != 1)
      Fail(ErrorCode::kIO, conn_->where() + ": the ledger " + target_.ledger +
                               " has no run record (did another run --overwrite this table?)");
    conn_->Exec("COMMIT");
    conn_.reset();
    return rows;
  }

 private:
  void Flush() {
    if (!buffer_.empty()) conn_->PutCopyData(buffer_);
    buffer_.clear();
  }

  Target target_;
  std::string key_;
  Schema schema_;
  std::string split_id_, attempt_;
  std::unique_ptr<Connection> conn_;  // dropped unfinished: the server rolls back
  std::string buffer_;
};

// The attempt in a part key (Target::PartKey), or -1.
int64_t AttemptOf(const std::string& key) {
  size_t at = key.rfind("&attempt=");
  return at == std::string::npos ? -1 : std::atoll(key.c_str() + at + 9);
}

class PostgresSink final : public Sink {
 public:
  explicit PostgresSink(const OutputSpec& output) : target_(output.dir) {}

  std::vector<SplitResult> Prepare(Mode mode, const Json& identity, bool* complete) override;

  std::unique_ptr<PartWriter> OpenPart(SplitResult* r, int64_t attempt,
                                       const Schema& schema) override {
    if (r->ordinal < 0 || r->ordinal > INT32_MAX)
      Fail(ErrorCode::kInternal, "split ordinal out of range: " + std::to_string(r->ordinal));
    r->part_name = target_.name + " split_id=" + std::to_string(r->ordinal);
    r->temp_path = target_.PartKey(r->ordinal, attempt);
    return std::make_unique<PostgresPartWriter>(target_, r->ordinal, attempt, r->temp_path, schema);
  }

  void Commit(const SplitResult& r) override {
    Connection conn(target_.uri);
    Result done = conn.Exec(
        "UPDATE " + target_.ledger +
            " SET kind = 'split', rows = $2, result = $3::jsonb, "
            "committed_at = now() WHERE split_id = $1",
        {std::to_string(r.ordinal), std::to_string(r.rows_out), Redact(r.ToJson()).dump()});
    if (done.Affected() != 1)
      Fail(ErrorCode::kIO, conn.where() + ": split " + std::to_string(r.ordinal) +
                               " cannot be committed: the table holds no rows written for it");
  }

  // Best effort, and silent: it runs while another error is on its way to the user.
  void Abort(const SplitResult& r) override {
    try {
      Connection conn(target_.uri);
      std::string split_id = std::to_string(r.ordinal);
      conn.Exec("BEGIN");
      conn.Exec(target_.Lock(r.ordinal));
      Result mine = conn.Exec("SELECT 1 FROM " + target_.ledger +
                                  " WHERE split_id = $1 AND kind = 'written' AND attempt = $2",
                              {split_id, std::to_string(AttemptOf(r.temp_path))});
      if (mine.rows() == 1) {
        conn.Exec("DELETE FROM " + target_.table + " WHERE split_id = " + split_id);
        conn.Exec("DELETE FROM " + target_.ledger + " WHERE split_id = " + split_id);
      }
      conn.Exec("COMMIT");
    } catch (const Error&) {
    }
  }

  void Finish(const Json& manifest) override;

  Json Manifest() override {
    Connection conn(target_.uri);
    Result r = conn.Exec("SELECT result::text FROM " + target_.ledger +
                         " WHERE split_id = " + std::to_string(kCompleteRow));
    if (r.rows() != 1)
      Fail(ErrorCode::kIO,
           conn.where() + ": the run writing table '" + target_.name + "' is not complete");
    return Json::parse(r.Value(0, 0));
  }

 Json Redone() const override { return redone_; }

 private:
  std::vector<SplitResult> KeepHeldSplits(Connection& conn, bool has_table);

  Target target_;
  Json redone_ = Json::array();
};

// The committed splits whose rows the table still holds, by a count per split_id against the
// count the ledger recorded at commit. The others (the table dropped, truncated, or rows
// deleted) are recorded in redone_, their rows and ledger records removed (with the run's
// 'complete' record, if any): the run redoes them. Runs inside Prepare's transaction.
std::vector<SplitResult> PostgresSink::KeepHeldSplits(Connection& conn, bool has_table) {
  std::map<std::string, std::string> held;  // split_id -> rows in the table
  if (has_table) {
    Result r = conn.Exec("SELECT split_id::text, count(*)::text FROM " + target_.table +
                         " GROUP BY split_id");
    for (int i = 0; i < r.rows(); ++i) held[r.Value(i, 0)] = r.Value(i, 1);
  }
  std::vector<SplitResult> kept;
  std::string bad;
  Result r = conn.Exec("SELECT split_id::text, rows::text, result::text FROM " + target_.ledger +
                       " WHERE kind = 'split' ORDER BY split_id");
  for (int i = 0; i < r.rows(); ++i) {
    SplitResult split = SplitResult::FromJson(Json::parse(r.Value(i, 2)));
    const std::string& split_id = r.Value(i, 0);
    std::string recorded = r.Value(i, 1);
    std::string holds = held.count(split_id) ? held[split_id] : "0";
    if (has_table && holds == recorded) {
      kept.push_back(std::move(split));
      continue;
    }
    std::string why = has_table ? "the table holds " + holds + " of its " + recorded + " rows"
                                : "table '" + target_.name + "' is gone";
    redone_.push_back({{"part", split.part_name}, {"why", why}});
    bad += (bad.empty() ? "" : ",") + split_id;
  }
  if (!has_table) {
    conn.Exec("DELETE FROM " + target_.ledger + " WHERE split_id <> " + std::to_string(kRunRow));
  } else if (!bad.empty()) {
    conn.Exec("DELETE FROM " + target_.table + " WHERE split_id IN (" + bad + ")");
    conn.Exec("DELETE FROM " + target_.ledger + " WHERE split_id IN (" + bad + ", " +
              std::to_string(kCompleteRow) + ")");
  }
  return kept;
}

std::vector<SplitResult> PostgresSink::Prepare(Mode mode, const Json& identity, bool* complete) {
  *complete = false;
  Connection conn(target_.uri);
  const Json id = Redact(identity);
  const std::string run_id = HashHex(id.dump());
  conn.Exec("BEGIN");
  conn.Exec(target_.Lock(kTableLock));
  bool has_table = Exists(conn, target_.table), has_ledger = Exists(conn, target_.ledger);
  bool has_rows =
      has_table &&
      conn.Exec("SELECT EXISTS (SELECT 1 FROM " + target_.table + ")").Value(0, 0) == "t";
  std::string previous_run, previous_identity = "null";
  bool previous_complete = false, previous_splits = false;
  if (has_ledger) {
    Result r = conn.Exec("SELECT split_id, run_id, result::text FROM " + target_.ledger +
                         " WHERE split_id < 0");
    for (int i = 0; i < r.rows(); ++i) {
      if (r.Value(i, 0) == std::to_string(kRunRow))
        previous_run = r.Value(i, 1), previous_identity = r.Value(i, 2);
      if (r.Value(i, 0) == std::to_string(kCompleteRow)) previous_complete = true;
    }
    previous_splits =
        conn.Exec("SELECT 1 FROM " + target_.ledger + " WHERE split_id >= 0 LIMIT 1").rows() > 0;
  }
  const std::string& where = conn.where();
  if (has_rows && !has_ledger)
    Fail(ErrorCode::kUsage, where + ": table '" + target_.name +
                                "' holds rows that outcore did not write (it has no ledger " +
                                target_.ledger + "); write to another table, or empty it yourself");

  std::vector<SplitResult> done;
  redone_ = Json::array();
  if (mode == Mode::kFresh) {
    if (has_table && (has_rows || previous_splits || previous_complete))
      Fail(ErrorCode::kUsage, where + ": table '" + target_.name +
                                  "' already holds outcore output; use --overwrite to replace it "
                                  "or --resume to finish an interrupted run");
    // A ledger whose table is gone (dropped) records rows that no longer exist: cleared.
    if (has_ledger) conn.Exec("DELETE FROM " + target_.ledger);
  } else if (mode == Mode::kOverwrite) {
    if (has_ledger) {
      conn.Exec("DROP TABLE IF EXISTS " + target_.table);
      conn.Exec("DELETE FROM " + target_.ledger);
    }
  } else if (has_ledger && (previous_splits || previous_complete)) {  // kResume
    Json previous = Json::parse(previous_identity, nullptr, false);
    if (previous_run != run_id && !MayResume(previous, id)) RefuseResume(where, previous, id);
    done = KeepHeldSplits(conn, has_table);
    if (previous_complete && redone_.empty()) {
      *complete = true;
      conn.Exec("COMMIT");
      return {};
    }
  }
  conn.Exec(
      "CREATE TABLE IF NOT EXISTS " + target_.ledger +
      " (split_id bigint PRIMARY KEY, kind text NOT NULL, run_id text NOT NULL, rows bigint, "
      "attempt bigint, result jsonb NOT NULL, committed_at timestamptz NOT NULL DEFAULT now())");
  if (!has_ledger)
    conn.Exec("COMMENT ON TABLE " + target_.ledger + " IS " +
              QuoteLiteral("outcore's record of the run writing " + target_.name +
                           ": split_id -1 = the run (result: its identity); >= 0 = a split "
                           "whose rows are in the table, kind 'written' (by attempt) or 'split' "
                           "(committed; result: its counters); -2 = the run is complete "
                           "(result: its manifest)"));
  conn.Exec("INSERT INTO " + target_.ledger +
                " (split_id, kind, run_id, result) VALUES ($1, 'run', $2, $3::jsonb) "
                "ON CONFLICT (split_id) DO UPDATE SET run_id = EXCLUDED.run_id, "
                "result = EXCLUDED.result, committed_at = now()",
            {std::to_string(kRunRow), run_id, id.dump()});
  conn.Exec("COMMIT");
  return done;
}

// Marks the run complete, after checking that the table holds exactly the rows its
// committed splits wrote.
void PostgresSink::Finish(const Json& manifest) {
  Connection conn(target_.uri);
  conn.Exec("BEGIN");
  conn.Exec(target_.Lock(kTableLock));
  Result splits = conn.Exec(
      "SELECT coalesce(sum(rows), 0)::text, count(*) FILTER "
      "(WHERE kind = 'written')::text FROM " +
      target_.ledger + " WHERE split_id >= 0");
  std::string written = splits.Value(0, 0);
  if (splits.Value(0, 1) != "0")
    Fail(ErrorCode::kInternal, conn.where() + ": " + splits.Value(0, 1) +
                                   " written splits were never committed; the run is not marked "
                                   "complete (run again with --resume)");
  if (Exists(conn, target_.table)) {
    std::string rows = conn.Exec("SELECT count(*)::text FROM " + target_.table).Value(0, 0);
    if (rows != written)
      Fail(ErrorCode::kInternal, conn.where() + ": table '" + target_.name + "' holds " + rows +
                                     " rows but the committed splits wrote " + written +
                                     "; the run is not marked complete");
  }
  Result done =
      conn.Exec("INSERT INTO " + target_.ledger +
                    " (split_id, kind, run_id, rows, result) "
                    "SELECT $1, 'complete', run_id, $2, $3::jsonb FROM " +
                    target_.ledger + " WHERE split_id = " + std::to_string(kRunRow) +
                    " ON CONFLICT (split_id) DO UPDATE SET run_id = EXCLUDED.run_id, "
                    "rows = EXCLUDED.rows, result = EXCLUDED.result, committed_at = now()",
                {std::to_string(kCompleteRow), written, Redact(manifest).dump()});
  if (done.Affected() != 1)
    Fail(ErrorCode::kIO, conn.where() + ": the ledger " + target_.ledger + " has no run record");
  conn.Exec("COMMIT");
}

}  // namespace
}  // namespace outcore::pg

namespace outcore {

std::unique_ptr<Sink> MakePostgresSink(const OutputSpec& output) {
  return std::make_unique<pg::PostgresSink>(output);
}

}  // namespace outcore
