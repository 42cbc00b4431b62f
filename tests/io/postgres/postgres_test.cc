// Tests of the PostgreSQL source and sink against a real server, started for this test process
// by tests/pg_server.sh (the test fails, not skips, when it cannot start).
#include "outcore/postgres.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <set>
#include <thread>

#include "io/postgres/connection.h"
#include "outcore/error.h"
#include "outcore/predict.h"

namespace outcore {
namespace {

constexpr char kPassword[] = "outcore-test-pw";
constexpr char kNull[] = "<null>";

std::string RunCommand(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buf[256];
  while (pipe && fgets(buf, sizeof buf, pipe)) out += buf;
  *status = pipe ? pclose(pipe) : -1;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// One server for the whole test binary.
class PgServer : public ::testing::Environment {
 public:
  static std::string& Base() {
    static std::string base;
    return base;
  }
  void SetUp() override {
    char dir[] = "/tmp/outcore-pg-test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    script_ = std::string(OUTCORE_SOURCE_DIR) + "/tests/pg_server.sh";
    int status = 0;
    std::string port = RunCommand(
        "bash " + script_ + " start " + dir_ + " auto " + std::to_string(getpid()), &status);
    ASSERT_EQ(status, 0) << "cannot start the test PostgreSQL server (its log is above)";
    setenv("PGPASSWORD", kPassword, 1);
    Base() = "postgresql://outcore@127.0.0.1:" + port + "/outcore_test";
  }
  void TearDown() override {
    int status = 0;
    RunCommand("bash " + script_ + " stop " + dir_ + " 2>&1", &status);
    RunCommand("rm -rf " + dir_, &status);
  }

 private:
  std::string dir_, script_;
};

const ::testing::Environment* const kServer = ::testing::AddGlobalTestEnvironment(new PgServer);

std::string Table(const std::string& name) { return PgServer::Base() + "?table=" + name; }

void Sql(const std::string& sql) {
  pg::Connection conn(pg::ParseUri(PgServer::Base()));
  conn.Exec(sql);
}

std::string SqlValue(const std::string& sql) {
  pg::Connection conn(pg::ParseUri(PgServer::Base()));
  pg::Result r = conn.Exec(sql);
  return r.IsNull(0, 0) ? kNull : r.Value(0, 0);
}

// Every row of some splits, rendered as text.
std::vector<std::vector<std::string>> ReadSplits(Source& source, const std::vector<Split>& splits,
                                                 const ScanOptions& scan = ScanOptions(),
                                                 ReadStats* stats = nullptr) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& split : splits) {
    std::unique_ptr<SplitReader> reader = source.Open(split, scan);
    Batch batch;
    while (reader->Next(&batch)) {
      for (int64_t r = 0; r < batch.num_rows; ++r) {
        std::vector<std::string> row;
        for (const auto& c : batch.columns) row.push_back(c->IsNull(r) ? kNull : c->ToString(r));
        rows.push_back(row);
      }
    }
    if (stats) {
      stats->rows_read += reader->stats().rows_read;
      stats->rows_rejected += reader->stats().rows_rejected;
      for (const auto& r : reader->stats().rejects) stats->rejects.push_back(r);
    }
  }
  return rows;
}

std::string ErrorOf(const std::function<void()>& f, ErrorCode* code = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  return "(no error)";
}

// Reading `splits` in stop mode fails with a data error whose message holds `expected`.
void ExpectBadRow(Source& source, const std::vector<Split>& splits, const std::string& expected) {
  ErrorCode code{};
  std::string msg = ErrorOf([&] { ReadSplits(source, splits); }, &code);
  EXPECT_EQ(code, ErrorCode::kInvalidInput);
  EXPECT_NE(msg.find(expected), std::string::npos) << msg;
}

TEST(PostgresUri, PartsAndRedaction) {
  pg::Uri u = pg::ParseUri(
      "postgresql://ann:s%40cret@db.example:6543/sales?table=public.t&sslmode=require");
  EXPECT_EQ(u.user, "ann");
  EXPECT_EQ(u.password, "s@cret");
  EXPECT_EQ(u.host, "db.example");
  EXPECT_EQ(u.port, "6543");
  EXPECT_EQ(u.dbname, "sales");
  EXPECT_EQ(u.table, "public.t");
  ASSERT_EQ(u.params.size(), 1u);
  EXPECT_EQ(u.params[0].first, "sslmode");
  EXPECT_EQ(u.redacted, "postgresql://ann@db.example:6543/sales?table=public.t&sslmode=require");
  EXPECT_EQ(RedactPostgresUri("postgres://h/db?password=x&table=t"), "postgres://h/db?table=t");
  EXPECT_EQ(RedactPostgresUri("postgresql://u:p@[::1]:5/d"), "postgresql://u@[::1]:5/d");
  // Anything else is left alone, so that callers may redact whatever they show.
  EXPECT_EQ(RedactPostgresUri("data/a:b@c?password=x.csv"), "data/a:b@c?password=x.csv");
  pg::Uri q = pg::ParseUri("postgresql:///db?query=SELECT a FROM t WHERE b = 'x%25'");
  EXPECT_EQ(q.query, "SELECT a FROM t WHERE b = 'x%'");
  EXPECT_EQ(q.host, "");
  EXPECT_EQ(pg::QuoteRelation("s.T\"x"), "\"s\".\"T\"\"x\"");
  ErrorCode code{};
  std::string msg =
      ErrorOf([] { pg::ParseUri("postgresql://u:hunter22@h/d?table=a&query=b"); }, &code);
  EXPECT_EQ(code, ErrorCode::kUsage);
  EXPECT_EQ(msg.find("hunter22"), std::string::npos) << msg;
}

TEST(PostgresSource, EveryTypeWithNulls) {
  Sql("DROP TABLE IF EXISTS types_t; CREATE TABLE types_t (i2 smallint, i4 integer, i8 bigint, "
      "r real, d double precision, n numeric(10,2), t text, vc varchar(10), c char(5), b boolean, "
      "ts timestamp, tz timestamptz, dt date);"
      "INSERT INTO types_t VALUES "
      "(-3, 2147483647, 9007199254740993, 1.5, 0.1, 8.90, E'tab\\there\\nline \\\\ é', 'vc', 'ab', "
      " true, '2009-01-04 02:52:00.25', '2020-01-01 12:00:00+02', '1999-12-31'),"
      "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      "(0, 0, -1, 'NaN', -1e300, -0.5, '', '', '', false, '1970-01-01', "
      " '1969-12-31 23:59:59.999999+00', '2038-01-19')");
  auto source = MakePostgresSource(ReadOptions());
  Schema schema = source->InspectSchema(Table("types_t"));
  std::vector<DataType> expected = {DataType::kI64,      DataType::kI64,       DataType::kI64,
                                    DataType::kF64,      DataType::kF64,       DataType::kF64,
                                    DataType::kString,   DataType::kString,    DataType::kString,
                                    DataType::kBool,     DataType::kTimestamp, DataType::kTimestamp,
                                    DataType::kTimestamp};
  ASSERT_EQ(schema.size(), 13);
  for (int i = 0; i < 13; ++i) EXPECT_EQ(schema.field(i).type, expected[i]) << schema.field(i).name;

  auto rows = ReadSplits(*source, source->Plan({Table("types_t")}, 64 << 20));
  ASSERT_EQ(rows.size(), 3u);
  std::vector<std::string> first = {"-3",
                                    "2147483647",
                                    "9007199254740993",
                                    "1.5",
                                    "0.1",
                                    "8.9",
                                    "tab\there\nline \\ é",
                                    "vc",
                                    "ab",
                                    "true",
                                    "2009-01-04 02:52:00.250000",
                                    "2020-01-01 10:00:00",
                                    "1999-12-31 00:00:00"};
  EXPECT_EQ(rows[0], first);
  EXPECT_EQ(rows[1], std::vector<std::string>(13, kNull));
  std::vector<std::string> third = {"0",
                                    "0",
                                    "-1",
                                    kNull,
                                    "-1e+300",
                                    "-0.5",
                                    "",
                                    "",
                                    "",
                                    "false",
                                    "1970-01-01 00:00:00",
                                    "1969-12-31 23:59:59.999999",
                                    "2038-01-19 00:00:00"};
  EXPECT_EQ(rows[2], third);

  // Declared types: text as category, integers as floats, a timestamp as text.
  ReadOptions read;
  read.dtypes = {{"t", DataType::kCategory}, {"i4", DataType::kF64}, {"ts", DataType::kString}};
  auto typed = MakePostgresSource(read);
  Schema declared = typed->InspectSchema(Table("types_t"));
  EXPECT_EQ(declared.field(declared.IndexOf("t")).type, DataType::kCategory);
  EXPECT_EQ(declared.field(declared.IndexOf("i4")).type, DataType::kF64);
  ScanOptions scan;
  scan.columns =
      Schema({{"t", DataType::kCategory}, {"i4", DataType::kF64}, {"ts", DataType::kString}});
  auto projected = ReadSplits(*typed, typed->Plan({Table("types_t")}, 64 << 20), scan);
  ASSERT_EQ(projected.size(), 3u);
  EXPECT_EQ(projected[0], (std::vector<std::string>{"tab\there\nline \\ é", "2147483647",
                                                    "2009-01-04 02:52:00.25"}));
  EXPECT_EQ(projected[1], (std::vector<std::string>{kNull, kNull, kNull}));
}

TEST(PostgresSource, CtidSplitsCoverEveryRowOnce) {
  Sql("DROP TABLE IF EXISTS many; CREATE TABLE many (id bigint, v double precision, s text);"
      "INSERT INTO many SELECT g, g * 0.5, 'row ' || g FROM generate_series(1, 20000) g");
  auto source = MakePostgresSource(ReadOptions());
  std::vector<Split> splits = source->Plan({Table("many")}, 64 << 10, 7);
  ASSERT_GT(splits.size(), 5u);
  EXPECT_EQ(splits[0].ordinal, 7);
  EXPECT_EQ(splits[0].format, "postgres");
  EXPECT_NE(splits[1].query.find("ctid >= '("), std::string::npos) << splits[1].query;
  EXPECT_EQ(splits.back().query.find("ctid <"), std::string::npos) << "last split is open-ended";
  // Rows added after planning land on the last pages: the open-ended last split reads them.
  Sql("INSERT INTO many SELECT g, g * 0.5, 'row ' || g FROM generate_series(20001, 20100) g");
  auto rows = ReadSplits(*source, splits);
  ASSERT_EQ(rows.size(), 20100u);
  std::set<std::string> ids;
  for (const auto& r : rows) ids.insert(r[0]);
  EXPECT_EQ(ids.size(), 20100u);
  EXPECT_EQ(rows[0][0], "1");  // physical order, split by split
  EXPECT_EQ(rows[19999][0], "20000");
}

TEST(PostgresSource, KeyRangesAndQueries) {
  Sql("DROP TABLE IF EXISTS keyed; CREATE TABLE keyed (k integer, v text);"
      "INSERT INTO keyed SELECT g, repeat('x', 200) FROM generate_series(-500, 4999) g;"
      "INSERT INTO keyed VALUES (NULL, 'no key')");
  auto source = MakePostgresSource(ReadOptions());
  std::vector<Split> splits = source->Plan({Table("keyed") + "&split_by=k"}, 256 << 10);
  ASSERT_GT(splits.size(), 2u);
  EXPECT_NE(splits[1].query.find("\"k\" >= "), std::string::npos) << splits[1].query;
  auto rows = ReadSplits(*source, splits);
  EXPECT_EQ(rows.size(), 5501u);
  std::set<std::string> keys;
  for (const auto& r : rows) keys.insert(r[0]);
  EXPECT_EQ(keys.size(), 5501u);
  EXPECT_TRUE(keys.count(kNull)) << "the NULL key is read by the last split";

  ErrorCode code{};
  std::string msg =
      ErrorOf([&] { source->Plan({Table("keyed") + "&split_by=v"}, 1 << 20); }, &code);
  EXPECT_EQ(code, ErrorCode::kUsage);
  EXPECT_NE(msg.find("must be an integer column"), std::string::npos) << msg;

  std::string query = PgServer::Base() + "?query=SELECT k, v FROM keyed WHERE k < 10;";
  std::vector<Split> one = source->Plan({query}, 1024);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(ReadSplits(*source, one).size(), 510u);
  EXPECT_EQ(source->InspectSchema(query).size(), 2);
}

// What fit does with its inputs: every row, in table order, read in parallel.
TEST(PostgresSource, ReadAllForFit) {
  Sql("DROP TABLE IF EXISTS train; CREATE TABLE train (x double precision, y integer);"
      "INSERT INTO train SELECT g / 7.0, g % 2 FROM generate_series(1, 50000) g");
  auto source = MakePostgresSource(ReadOptions());
  ScanOptions scan;
  scan.columns = Schema({{"y", DataType::kI64}, {"x", DataType::kF64}});
  ReadResult all = ReadAll(*source, {Table("train")}, scan, 2, 256 << 10);
  EXPECT_GT(source->Plan({Table("train")}, 256 << 10).size(), 3u);
  EXPECT_EQ(all.stats.rows_read, 50000);
  EXPECT_EQ(all.schema, scan.columns);
  int64_t row = 0;
  bool in_order = true;
  for (const Batch& b : all.batches)
    for (int64_t i = 0; i < b.num_rows; ++i, ++row)
      in_order = in_order && b.columns[1]->f64[i] == (row + 1) / 7.0;
  EXPECT_EQ(row, 50000);
  EXPECT_TRUE(in_order);
}

TEST(PostgresSource, BadValuesFollowThePolicy) {
  Sql("DROP TABLE IF EXISTS bad; CREATE TABLE bad (a text, b integer);"
      "INSERT INTO bad VALUES ('1', 1), ('2', 2), ('x3', 3), ('4', 4)");
  ReadOptions read;
  read.dtypes = {{"a", DataType::kI64}};
  auto source = MakePostgresSource(read);
  std::vector<Split> splits = source->Plan({Table("bad")}, 1 << 20);
  ExpectBadRow(*source, splits, "?table=bad#split=0, row 3: column 'a': cannot parse 'x3' as int");

  ScanOptions scan;
  scan.on_bad_rows = BadRowPolicy::kReject;
  ReadStats stats;
  auto rows = ReadSplits(*source, splits, scan, &stats);
  EXPECT_EQ(rows.size(), 3u);
  EXPECT_EQ(stats.rows_read, 3);
  EXPECT_EQ(stats.rows_rejected, 1);
  ASSERT_EQ(stats.rejects.size(), 1u);
  EXPECT_EQ(stats.rejects[0].line, 3);
  EXPECT_EQ(stats.rejects[0].path, PgServer::Base() + "?table=bad#split=0");
}

// As in a CSV file: NaN is a missing value, an infinity a bad value, and the error says how
// to read infinities as missing instead.
TEST(PostgresSource, InfinityIsABadValueAndNaNIsMissing) {
  Sql("DROP TABLE IF EXISTS inf_t; CREATE TABLE inf_t (d double precision);"
      "INSERT INTO inf_t VALUES (1.5), ('Infinity'), ('NaN'), ('-Infinity'), (NULL)");
  auto source = MakePostgresSource(ReadOptions());
  std::vector<Split> splits = source->Plan({Table("inf_t")}, 1 << 20);
  ExpectBadRow(*source, splits,
               "row 2: column 'd': cannot parse 'Infinity' as float: infinite values are not read "
               "(in a ?query=, NULLIF(NULLIF(d, 'Infinity'), '-Infinity') reads them as "
               "missing)\n  (to drop bad rows and go on: --on-bad-rows skip");

  ScanOptions scan;
  scan.on_bad_rows = BadRowPolicy::kSkip;
  ReadStats stats;
  auto rows = ReadSplits(*source, splits, scan, &stats);
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{{"1.5"}, {kNull}, {kNull}}));
  EXPECT_EQ(stats.rows_rejected, 2);

  // The query the message suggests reads every row.
  std::string query = PgServer::Base() +
                      "?query=SELECT NULLIF(NULLIF(d, 'Infinity'), '-Infinity') AS d FROM inf_t";
  rows = ReadSplits(*source, source->Plan({query}, 1 << 20));
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{
                      {"1.5"}, {kNull}, {kNull}, {kNull}, {kNull}}));
}

TEST(PostgresErrors, WrongPasswordAndMissingTableAreClear) {
  auto source = MakePostgresSource(ReadOptions());
  std::string uri = Table("types_t");
  std::string with_password = "postgresql://outcore:Wr0ngPassw0rd@" +
                              uri.substr(std::string("postgresql://outcore@").size());
  ErrorCode code{};
  std::string msg = ErrorOf([&] { source->InspectSchema(with_password); }, &code);
  EXPECT_EQ(code, ErrorCode::kIO);
  EXPECT_NE(msg.find("password authentication failed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("database 'outcore_test' on 127.0.0.1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("PGPASSWORD"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("Wr0ngPassw0rd"), std::string::npos) << msg;

  setenv("PGPASSWORD", "An0therWrong", 1);
  msg = ErrorOf([&] { source->InspectSchema(uri); }, &code);
  setenv("PGPASSWORD", kPassword, 1);
  EXPECT_EQ(code, ErrorCode::kIO);
  EXPECT_NE(msg.find("user 'outcore'"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("An0therWrong"), std::string::npos) << msg;

  msg = ErrorOf([&] { source->InspectSchema(Table("no_such_table")); }, &code);
  EXPECT_EQ(code, ErrorCode::kSchema);
  EXPECT_NE(msg.find("table 'no_such_table' does not exist in database 'outcore_test'"),
            std::string::npos)
      << msg;

  std::string other_db = PgServer::Base();
  other_db.replace(other_db.rfind('/'), std::string::npos, "/nodb?table=t");
  msg = ErrorOf([&] { source->InspectSchema(other_db); }, &code);
  EXPECT_EQ(code, ErrorCode::kIO);
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;

  // A password given in the URI works for this process's splits, which never hold it.
  std::string good = "postgresql://outcore:" + std::string(kPassword) + "@" +
                     uri.substr(std::string("postgresql://outcore@").size());
  unsetenv("PGPASSWORD");
  std::vector<Split> splits;
  EXPECT_NO_THROW(splits = source->Plan({good}, 1 << 20));
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].ToJson().find(kPassword), std::string::npos) << splits[0].ToJson();
  EXPECT_EQ(ReadSplits(*source, splits).size(), 3u);
  setenv("PGPASSWORD", kPassword, 1);
}

// A batch of (yhat, id) rows for sink tests.
Batch Rows(int64_t first, int64_t n, double scale) {
  auto yhat = std::make_shared<Column>(DataType::kF64);
  auto id = std::make_shared<Column>(DataType::kI64);
  for (int64_t i = 0; i < n; ++i) {
    yhat->f64.push_back((first + i) * scale);
    id->i64.push_back(first + i);
  }
  yhat->length = id->length = n;
  Batch b;
  b.num_rows = n;
  b.Add("yhat", yhat);
  b.Add("id", id);
  return b;
}

Schema OutSchema() { return Schema({{"yhat", DataType::kF64}, {"id", DataType::kI64}}); }

// Writes and commits one part.
SplitResult WritePart(Sink& sink, int64_t ordinal, int64_t attempt, int64_t first, int64_t n,
                      double scale, bool commit = true) {
  SplitResult r;
  r.ordinal = ordinal;
  auto writer = sink.OpenPart(&r, attempt, OutSchema());
  writer->Write(Rows(first, n, scale));
  r.rows_out = writer->Finish();
  r.rows_in = n;
  if (commit) sink.Commit(r);
  return r;
}

// --resume compares this: it changes with rows added, deleted or updated, and only then.
TEST(PostgresSource, InputSignatureNoticesChangedRows) {
  Sql("CREATE TABLE sig (id int, v text)");
  Sql("INSERT INTO sig SELECT i, 'x' FROM generate_series(1, 100) i");
  Json before = PostgresInputSignature(Table("sig"));
  EXPECT_EQ(before["rows"], 100);
  EXPECT_EQ(PostgresInputSignature(Table("sig")), before);
  Sql("UPDATE sig SET v = 'y' WHERE id = 5");
  Json updated = PostgresInputSignature(Table("sig"));
  EXPECT_EQ(updated["rows"], 100);
  EXPECT_NE(updated, before);
  Sql("DELETE FROM sig WHERE id = 6");
  EXPECT_EQ(PostgresInputSignature(Table("sig"))["rows"], 99);
  EXPECT_TRUE(PostgresInputSignature(PgServer::Base() + "?query=SELECT 1").is_null());
}

TEST(PostgresSink, PartsCommitOnceAndResume) {
  Sql("DROP TABLE IF EXISTS out1; DROP TABLE IF EXISTS out1_outcore_ledger");
  OutputSpec spec;
  spec.dir = Table("out1");
  Json identity = {{"model", "m1"}, {"inputs", {"postgresql://outcore:Secr3tPw@h/db?table=x"}}};
  bool complete = true;
  auto sink = MakePostgresSink(spec);
  EXPECT_TRUE(sink->Prepare(Sink::Mode::kFresh, identity, &complete).empty());
  EXPECT_FALSE(complete);

  WritePart(*sink, 0, 1, 0, 1000, 0.5);
  // A finished part's rows appear with its ledger record; Commit (from any process) records
  // its result.
  SplitResult pending = WritePart(*sink, 1, 1, 1000, 500, 0.5, false);
  EXPECT_EQ(pending.rows_out, 500);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1"), "1500");
  EXPECT_EQ(SqlValue("SELECT kind FROM out1_outcore_ledger WHERE split_id = 1"), "written");
  MakePostgresSink(spec)->Commit(pending);
  EXPECT_EQ(SqlValue("SELECT kind || ' ' || rows FROM out1_outcore_ledger WHERE split_id = 1"),
            "split 500");
  // An attempt that fails before Finish leaves nothing; Abort after Finish removes its rows.
  SplitResult aborted;
  aborted.ordinal = 2;
  {
    auto writer = sink->OpenPart(&aborted, 1, OutSchema());
    writer->Write(Rows(1500, 10, 0.5));
  }
  sink->Abort(aborted);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1"), "1500");
  SplitResult written = WritePart(*sink, 2, 7, 1500, 10, 0.5, false);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1"), "1510");
  sink->Abort(written);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1"), "1500");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1_outcore_ledger WHERE split_id = 2"), "0");
  ErrorCode code{};
  std::string msg = ErrorOf([&] { sink->Commit(written); }, &code);
  EXPECT_NE(msg.find("split 2 cannot be committed"), std::string::npos) << msg;
  // A retried split replaces its own rows and nothing else.
  WritePart(*sink, 1, 2, 1000, 300, 2.0);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1"), "1300");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1 WHERE split_id = 1 AND yhat = id * 2.0"), "300");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1 WHERE split_id = 0 AND yhat = id * 0.5"), "1000");
  // A split written but never committed (a kill between Finish and Commit) is not resumed.
  WritePart(*sink, 3, 1, 2000, 5, 1.0, false);

  // Fresh refuses, resume returns the committed splits, another run's identity is refused.
  msg = ErrorOf([&] { MakePostgresSink(spec)->Prepare(Sink::Mode::kFresh, identity, &complete); },
                &code);
  EXPECT_EQ(code, ErrorCode::kUsage);
  EXPECT_NE(msg.find("--overwrite"), std::string::npos) << msg;
  auto resumed = MakePostgresSink(spec)->Prepare(Sink::Mode::kResume, identity, &complete);
  ASSERT_EQ(resumed.size(), 2u);
  EXPECT_EQ(resumed[1].ordinal, 1);
  EXPECT_EQ(resumed[1].rows_out, 300);
  EXPECT_FALSE(complete);
  Json other = identity;
  other["model"] = "m2";
  msg = ErrorOf([&] { MakePostgresSink(spec)->Prepare(Sink::Mode::kResume, other, &complete); },
                &code);
  EXPECT_NE(msg.find("cannot resume"), std::string::npos) << msg;

  // Finish refuses uncommitted splits, then marks the run complete; the manifest is read
  // back; resume then does nothing.
  msg = ErrorOf([&] { sink->Finish(Json::object()); }, &code);
  EXPECT_NE(msg.find("1 written splits were never committed"), std::string::npos) << msg;
  WritePart(*sink, 3, 2, 2000, 5, 1.0);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out1"), "1305");
  sink->Finish({{"format", "outcore-predict"}, {"inputs", identity["inputs"]}});
  EXPECT_EQ(MakePostgresSink(spec)->Manifest()["format"], "outcore-predict");
  EXPECT_TRUE(MakePostgresSink(spec)->Prepare(Sink::Mode::kResume, identity, &complete).empty());
  EXPECT_TRUE(complete);
  EXPECT_EQ(
      SqlValue("SELECT count(*) FROM out1_outcore_ledger WHERE result::text LIKE '%Secr3tPw%'"),
      "0");
  EXPECT_EQ(SqlValue("SELECT rows FROM out1_outcore_ledger WHERE split_id = -2"), "1305");

  // Overwrite starts over.
  EXPECT_TRUE(MakePostgresSink(spec)->Prepare(Sink::Mode::kOverwrite, other, &complete).empty());
  EXPECT_EQ(SqlValue("SELECT to_regclass('out1') IS NULL"), "t");
}

// --resume keeps a committed split only if the table still holds the rows the ledger counted
// for it; a split that lost rows is cleared and redone, and a dropped table does not block a
// fresh run.
TEST(PostgresSink, ResumeChecksTheTableHoldsEachSplitsRows) {
  Sql("DROP TABLE IF EXISTS out3; DROP TABLE IF EXISTS out3_outcore_ledger");
  OutputSpec spec;
  spec.dir = Table("out3");
  Json identity = {{"model", "m1"}};
  bool complete = false;
  auto sink = MakePostgresSink(spec);
  sink->Prepare(Sink::Mode::kFresh, identity, &complete);
  WritePart(*sink, 0, 1, 0, 100, 0.5);
  WritePart(*sink, 1, 1, 100, 50, 0.5);
  WritePart(*sink, 2, 1, 150, 20, 0.5);
  sink->Finish({{"format", "outcore-predict"}});

  // Rows of split 1 deleted: splits 0 and 2 are kept, split 1 is cleared and redone.
  Sql("DELETE FROM out3 WHERE split_id = 1 AND id < 110");
  auto resumed = MakePostgresSink(spec);
  std::vector<SplitResult> kept = resumed->Prepare(Sink::Mode::kResume, identity, &complete);
  EXPECT_FALSE(complete);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].ordinal, 0);
  EXPECT_EQ(kept[1].ordinal, 2);
  Json redone = resumed->Redone();
  ASSERT_EQ(redone.size(), 1u);
  EXPECT_EQ(redone[0]["part"], "out3 split_id=1");
  EXPECT_EQ(redone[0]["why"], "the table holds 40 of its 50 rows");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out3 WHERE split_id = 1"), "0");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out3_outcore_ledger WHERE split_id IN (1, -2)"), "0");
  WritePart(*resumed, 1, 2, 100, 50, 0.5);
  resumed->Finish({{"format", "outcore-predict"}});
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out3"), "170");
  EXPECT_TRUE(MakePostgresSink(spec)->Prepare(Sink::Mode::kResume, identity, &complete).empty());
  EXPECT_TRUE(complete);

  // TRUNCATE: every split is redone.
  Sql("TRUNCATE out3");
  resumed = MakePostgresSink(spec);
  EXPECT_TRUE(resumed->Prepare(Sink::Mode::kResume, identity, &complete).empty());
  EXPECT_FALSE(complete);
  EXPECT_EQ(resumed->Redone().size(), 3u);

  // DROP TABLE: resume redoes every split; a fresh run is not blocked by the ledger left behind.
  Sql("DROP TABLE out3");
  resumed = MakePostgresSink(spec);
  EXPECT_TRUE(resumed->Prepare(Sink::Mode::kResume, identity, &complete).empty());
  EXPECT_FALSE(complete);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out3_outcore_ledger WHERE split_id >= 0"), "0");
  WritePart(*sink, 0, 1, 0, 100, 0.5);  // recreates the table
  Sql("DROP TABLE out3");
  EXPECT_TRUE(MakePostgresSink(spec)->Prepare(Sink::Mode::kFresh, identity, &complete).empty());
  EXPECT_EQ(SqlValue("SELECT count(*) FROM out3_outcore_ledger WHERE split_id >= 0"), "0");
}

// Another process's attempt at the same split holds the split's lock: this attempt waits,
// then replaces the rows that attempt committed.
TEST(PostgresSink, ConcurrentAttemptsAtOneSplitTakeTurns) {
  Sql("DROP TABLE IF EXISTS race; DROP TABLE IF EXISTS race_outcore_ledger");
  OutputSpec spec;
  spec.dir = Table("race");
  auto sink = MakePostgresSink(spec);
  bool complete = false;
  sink->Prepare(Sink::Mode::kFresh, Json::object(), &complete);
  WritePart(*sink, 0, 1, 0, 5, 1.0);  // creates the table

  pg::Connection other(pg::ParseUri(PgServer::Base()));
  other.Exec("BEGIN");
  other.Exec("SELECT pg_advisory_xact_lock(hashtext('race'), 3)");
  other.Exec("INSERT INTO race (yhat, id, split_id) SELECT 9, g, 3 FROM generate_series(1, 50) g");
  other.Exec(
      "INSERT INTO race_outcore_ledger (split_id, kind, run_id, rows, result) "
      "SELECT 3, 'split', run_id, 50, '{}' FROM race_outcore_ledger WHERE split_id = -1");
  std::atomic<bool> written{false};
  std::thread attempt([&] {
    WritePart(*sink, 3, 2, 100, 20, 1.0);
    written = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(written) << "the second attempt must wait for the first one's lock";
  other.Exec("COMMIT");
  attempt.join();
  EXPECT_TRUE(written);
  EXPECT_EQ(SqlValue("SELECT count(*) FROM race WHERE split_id = 3"), "20");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM race WHERE split_id = 3 AND yhat = 9"), "0");
  EXPECT_EQ(SqlValue("SELECT count(*) FROM race"), "25");
  // The split was committed by the other attempt and stays committed: same split, same rows.
  EXPECT_EQ(SqlValue("SELECT kind || ' ' || rows || ' ' || attempt FROM race_outcore_ledger "
                     "WHERE split_id = 3"),
            "split 20 2");
}

TEST(PostgresSink, RefusesTablesItDidNotWrite) {
  Sql("DROP TABLE IF EXISTS theirs; CREATE TABLE theirs (x int); INSERT INTO theirs VALUES (1)");
  OutputSpec spec;
  spec.dir = Table("theirs");
  bool complete = false;
  for (auto mode : {Sink::Mode::kFresh, Sink::Mode::kOverwrite, Sink::Mode::kResume}) {
    ErrorCode code{};
    std::string msg =
        ErrorOf([&] { MakePostgresSink(spec)->Prepare(mode, Json::object(), &complete); }, &code);
    EXPECT_EQ(code, ErrorCode::kUsage);
    EXPECT_NE(msg.find("holds rows that outcore did not write"), std::string::npos) << msg;
  }
  EXPECT_EQ(SqlValue("SELECT count(*) FROM theirs"), "1");

  // An empty table the user made is used, if it has the columns.
  Sql("DROP TABLE IF EXISTS mine; CREATE TABLE mine (yhat real, other text)");
  spec.dir = Table("mine");
  auto sink = MakePostgresSink(spec);
  sink->Prepare(Sink::Mode::kFresh, Json::object(), &complete);
  ErrorCode code{};
  std::string msg = ErrorOf([&] { WritePart(*sink, 0, 1, 0, 10, 1.0); }, &code);
  EXPECT_EQ(code, ErrorCode::kSchema);
  EXPECT_NE(msg.find("has columns (yhat, other) but this run writes 'id'"), std::string::npos)
      << msg;
}

TEST(PostgresSink, ValuesRoundTrip) {
  Sql("DROP TABLE IF EXISTS rt; DROP TABLE IF EXISTS rt_outcore_ledger");
  OutputSpec spec;
  spec.dir = Table("rt");
  auto sink = MakePostgresSink(spec);
  bool complete = false;
  sink->Prepare(Sink::Mode::kFresh, Json::object(), &complete);
  Schema schema({{"yhat", DataType::kF64},
                 {"flag", DataType::kBool},
                 {"when", DataType::kTimestamp},
                 {"name", DataType::kString},
                 {"Kind", DataType::kCategory}});
  auto yhat = std::make_shared<Column>(DataType::kF64);
  yhat->f64 = {0.1 + 0.2, 1e-300, 0};
  auto flag = std::make_shared<Column>(DataType::kBool);
  flag->u8 = {1, 0, 0};
  auto when = std::make_shared<Column>(DataType::kTimestamp);
  when->i64 = {1231037520250000, -1, 0};
  auto name = std::make_shared<Column>(DataType::kString);
  name->offsets = {0, 8, 8, 8};
  name->chars = "a\tb\\c\nd\"";
  auto kind = std::make_shared<Column>(DataType::kCategory);
  kind->dict = std::make_shared<Dictionary>(Dictionary{"cash", "credit"});
  kind->codes = {1, 0, 0};
  for (auto* c : {yhat.get(), flag.get(), when.get(), name.get(), kind.get()}) c->length = 3;
  yhat->SetNull(2);
  name->SetNull(2);
  Batch b;
  b.num_rows = 3;
  b.Add("yhat", yhat);
  b.Add("flag", flag);
  b.Add("when", when);
  b.Add("name", name);
  b.Add("Kind", kind);
  SplitResult r;
  r.ordinal = 0;
  auto writer = sink->OpenPart(&r, 1, schema);
  writer->Write(b);
  r.rows_out = writer->Finish();
  sink->Commit(r);
  auto source = MakePostgresSource(ReadOptions());
  auto rows = ReadSplits(*source, source->Plan({Table("rt")}, 1 << 20));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"0.30000000000000004", "true", "2009-01-04 02:52:00.250000",
                                      "a\tb\\c\nd\"", "credit", "0"}));
  EXPECT_EQ(rows[1][0], "1e-300");
  EXPECT_EQ(rows[1][2], "1969-12-31 23:59:59.999999");
  EXPECT_EQ(rows[2][0], kNull);
  EXPECT_EQ(rows[2][3], kNull);
  EXPECT_EQ(SqlValue("SELECT data_type FROM information_schema.columns WHERE table_name = 'rt' "
                     "AND column_name = 'when'"),
            "timestamp without time zone");
}

}  // namespace
}  // namespace outcore
