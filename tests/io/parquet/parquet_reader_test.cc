// Tests of the Parquet reader. Files come from DuckDB (tests/node/query.mjs: every type, codec,
// page version and the encodings DuckDB writes), from outcore's own writer, and from a small
// hand-made writer below for encodings DuckDB does not write and for hostile files. Values are
// compared with DuckDB's own reading of the same file, one by one.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/parquet/thrift_compact.h"
#include "outcore/error.h"
#include "outcore/source.h"
#include "outcore/part_writer.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using parquet::CompactWriter;
using parquet::ThriftType;

// ---------------------------------------------------------------------------------------------
// Helpers: a temporary directory, DuckDB through node, reading a file back.

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "outcore_pqr_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string SqlString(const std::string& s) { return "'" + s + "'"; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Runs the queries in one node process; one JSON result per query. A missing node or DuckDB
// package fails the test: the suite must not pass without its independent reader.
std::vector<json> Query(const std::vector<std::string>& queries) {
  const std::string script = std::string(OUTCORE_SOURCE_DIR) + "/tests/node/query.mjs";
  TempDir dir;
  const std::string script_args = dir.File("queries.sh");
  std::string command = "node " + ShellQuote(script);
  for (const std::string& q : queries) command += " " + ShellQuote(q);
  // Many queries make a long command line: run it from a file.
  WriteText(script_args, command + " 2>" + ShellQuote(dir.File("stderr")) + "\n");
  FILE* pipe = popen(("sh " + ShellQuote(script_args)).c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed";
    return {};
  }
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::vector<json> results;
  if (code != 0) {
    ADD_FAILURE() << "DuckDB failed (exit " << code << "): " << ReadText(dir.File("stderr"))
                  << "\nThe Parquet tests need node and DuckDB: cd tests/node && npm install";
  } else {
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) results.push_back(json::parse(line));
    EXPECT_EQ(results.size(), queries.size());
  }
  results.resize(queries.size(), json::object({{"rows", json::array()}}));
  return results;
}

struct ReadBack {
  std::vector<Batch> batches;
  ReadStats stats;
  size_t splits = 0;
};

// Reads every split of a file (each split serialised and parsed back, as a remote worker
// would get it).
ReadBack Read(const std::string& path, const ScanOptions& scan = {},
              int64_t split_size = int64_t{1} << 20, const ReadOptions& options = {}) {
  std::unique_ptr<Source> source = MakeParquetSource(options);
  ReadBack r;
  const std::vector<Split> splits = source->Plan({path}, split_size);
  r.splits = splits.size();
  for (const Split& planned : splits) {
    std::unique_ptr<SplitReader> reader = source->Open(Split::FromJson(planned.ToJson()), scan);
    Batch batch;
    while (reader->Next(&batch)) {
      EXPECT_GT(batch.num_rows, 0);
      EXPECT_LE(batch.num_rows, scan.batch_rows);
      r.batches.push_back(std::move(batch));
    }
    const ReadStats& s = reader->stats();
    r.stats.rows_read += s.rows_read;
    r.stats.rows_rejected += s.rows_rejected;
    r.stats.bytes_read += s.bytes_read;
    r.stats.rejects.insert(r.stats.rejects.end(), s.rejects.begin(), s.rejects.end());
  }
  return r;
}

// One value as JSON: null, a number (f64), a decimal string (i64, timestamp), a bool or text.
json ValueOf(const Column& c, int64_t i) {
  if (c.IsNull(i)) return nullptr;
  switch (c.type) {
    case DataType::kF64:
      return c.f64[i];
    case DataType::kI64:
    case DataType::kTimestamp:
      return std::to_string(c.i64[i]);
    case DataType::kBool:
      return c.u8[i] != 0;
    case DataType::kString:
      return std::string(c.Str(i));
    case DataType::kCategory:
      return std::string(c.Category(i));
  }
  return nullptr;
}

// The values of one column over all batches.
std::vector<json> Values(const ReadBack& r, const std::string& name) {
  std::vector<json> out;
  for (const Batch& b : r.batches) {
    const Column& c = *b.Get(name);
    EXPECT_EQ(c.length, b.num_rows);
    int64_t nulls = 0;
    for (int64_t i = 0; i < c.length; ++i) {
      out.push_back(ValueOf(c, i));
      nulls += c.IsNull(i);
    }
    EXPECT_EQ(c.null_count, nulls);
  }
  return out;
}

// Compares our values with DuckDB's: numbers that DuckDB prints as text are parsed (strtod
// rounds correctly, so a double must be equal to the last bit).
void ExpectSameValues(const std::vector<json>& expected, const std::vector<json>& got,
                      const std::string& what) {
  ASSERT_EQ(expected.size(), got.size()) << what;
  int mismatches = 0;
  for (size_t i = 0; i < expected.size() && mismatches < 5; ++i) {
    const json& e = expected[i];
    const json& g = got[i];
    bool same;
    if (e.is_null() || g.is_null()) {
      same = e.is_null() && g.is_null();
    } else if (g.is_number_float()) {
      const double want = std::strtod(e.get<std::string>().c_str(), nullptr);
      const double have = g.get<double>();
      same = want == have || (std::isnan(want) && std::isnan(have));
    } else {
      same = e == g;
    }
    if (!same) {
      ++mismatches;
      ADD_FAILURE() << what << " row " << i << ": DuckDB " << e.dump() << ", outcore " << g.dump();
    }
  }
}

std::vector<json> Column0(const json& result) {
  std::vector<json> out;
  for (const json& row : result["rows"]) out.push_back(row[0]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Every type, codec and page version DuckDB writes, each read back value by value (binary
// types, refused, are tested with hand-made files below and in tests/e2e/parquet_e2e.sh).

struct TypeCase {
  std::string name;
  std::string lo;      // few distinct values: dictionary-encoded
  std::string hi;      // many distinct values: PLAIN, or DELTA / BYTE_STREAM_SPLIT in v2
  std::string expect;  // DuckDB's reading, as text where exactness matters; {} = the column
  DataType type;       // what outcore maps it to
};

const std::vector<TypeCase>& TypeCases() {
  static const std::vector<TypeCase> cases = {
      {"int8", "(i % 13 - 6)::TINYINT", "((i * 37) % 256 - 128)::TINYINT", "CAST({} AS VARCHAR)",
       DataType::kI64},
      {"int16", "(i % 13 * 100)::SMALLINT", "((i * 7919) % 65536 - 32768)::SMALLINT",
       "CAST({} AS VARCHAR)", DataType::kI64},
      {"int32", "(i % 13 - 1000000)::INTEGER",
       "((hash(i) % 4294967296)::BIGINT - 2147483648)::INTEGER", "CAST({} AS VARCHAR)",
       DataType::kI64},
      {"int64", "(i % 13)::BIGINT * 1000000000000",
       "(hash(i) >> 1)::BIGINT * (CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END)", "CAST({} AS VARCHAR)",
       DataType::kI64},
      {"uint32", "(i % 13)::UINTEGER + 4000000000", "(hash(i) % 4294967296)::UINTEGER",
       "CAST({} AS VARCHAR)", DataType::kI64},
      {"uint64", "(i % 13)::UBIGINT", "(hash(i) >> 2)::UBIGINT", "CAST({} AS VARCHAR)",
       DataType::kI64},
      {"float", "(i % 13 / 4)::FLOAT", "((hash(i) % 1000000) / 7.0 - 50000)::FLOAT",
       "CAST({} AS DOUBLE)", DataType::kF64},
      {"double", "(i % 13) / 8.0", "(hash(i) % 1000000000000) / 7.0 - 1e11", "CAST({} AS DOUBLE)",
       DataType::kF64},
      {"decimal18_3", "(i % 13 * 1.25)::DECIMAL(18,3)",
       "(((hash(i) % 100000000000000000)::DOUBLE - 5e16) / 1000)::DECIMAL(18,3)",
       "CAST({} AS VARCHAR)", DataType::kF64},
      {"decimal9_2", "(i % 13 * 0.25)::DECIMAL(9,2)",
       "(((hash(i) % 1000000000)::DOUBLE - 5e8) / 100)::DECIMAL(9,2)", "CAST({} AS VARCHAR)",
       DataType::kF64},
      {"decimal30_3", "(i % 13 * 1.5)::DECIMAL(30,3)",
       "((hash(i)::DOUBLE - 9e18) * 1000.5)::DECIMAL(30,3)", "CAST({} AS VARCHAR)", DataType::kF64},
      {"boolean", "i % 3 = 0", "hash(i) % 2 = 0", "{}", DataType::kBool},
      {"varchar", "'cat_' || (i % 13)",
       "md5(i::VARCHAR) || repeat('é', (i % 5)::INTEGER) || CASE WHEN i % 9 = 0 THEN '' ELSE 'x' "
       "END",
       "{}", DataType::kString},
      // TIME (INT64 microseconds): seconds since midnight.
      {"time", "TIME '10:00:00' + INTERVAL (i % 13) SECOND",
       "make_time((hash(i) % 24)::BIGINT, (hash(i) % 60)::BIGINT, (hash(i) % 60000000) / 1e6)",
       "epoch_us(DATE '1970-01-01' + {}) / 1000000", DataType::kF64},
      {"date", "DATE '2020-01-01' + (i % 13)::INTEGER",
       "DATE '1900-01-01' + (hash(i) % 100000)::INTEGER", "epoch_us(CAST({} AS TIMESTAMP))",
       DataType::kTimestamp},
      {"timestamp", "TIMESTAMP '2009-01-01' + INTERVAL (i % 13) HOUR",
       "make_timestamp((hash(i) % 4000000000000000)::BIGINT - 2000000000000000)", "epoch_us({})",
       DataType::kTimestamp},
      {"timestamp_ms", "(TIMESTAMP '2009-01-01' + INTERVAL (i % 13) HOUR)::TIMESTAMP_MS",
       "make_timestamp((hash(i) % 4000000000000000)::BIGINT - 2000000000000000)::TIMESTAMP_MS",
       "epoch_us({})", DataType::kTimestamp},
      {"timestamp_ns", "(TIMESTAMP '2009-01-01' + INTERVAL (i % 13) HOUR)::TIMESTAMP_NS",
       "make_timestamp_ns((hash(i) % 4000000000000000000)::BIGINT - 2000000000000000000)",
       "epoch_us({})", DataType::kTimestamp},
      {"timestamptz", "(TIMESTAMP '2009-01-01' + INTERVAL (i % 13) HOUR)::TIMESTAMPTZ",
       "make_timestamp((hash(i) % 4000000000000000)::BIGINT - 2000000000000000)::TIMESTAMPTZ",
       "epoch_us({})", DataType::kTimestamp},
  };
  return cases;
}

std::string Expand(const std::string& pattern, const std::string& column) {
  std::string out = pattern;
  out.replace(out.find("{}"), 2, column);
  return out;
}

constexpr int kRows = 5000;  // DuckDB rounds row groups to 2048 rows: 3 row groups

// COPY a two-column table (lo, hi, with nulls) of one type to Parquet.
std::string CopyStatement(const TypeCase& t, const std::string& path, const std::string& options) {
  return "COPY (SELECT CASE WHEN i % 7 = 3 THEN NULL ELSE " + t.lo +
         " END AS lo, CASE WHEN i % 11 = 5 THEN NULL ELSE " + t.hi + " END AS hi FROM range(" +
         std::to_string(kRows) + ") t(i)) TO " + SqlString(path) + " (FORMAT PARQUET, " + options +
         ")";
}

std::string ExpectedStatement(const TypeCase& t, const std::string& path, const std::string& col) {
  return "SELECT " + Expand(t.expect, col) + " FROM read_parquet(" + SqlString(path) +
         ", file_row_number=true) ORDER BY file_row_number";
}

TEST(ParquetReaderTest, EveryTypeCodecAndPageVersionReadsAsDuckDBReadsIt) {
  TempDir dir;
  struct Setting {
    std::string label, options;
  };
  std::vector<Setting> settings;
  for (const char* version : {"V1", "V2"})
    for (const char* codec : {"uncompressed", "snappy", "gzip", "zstd"})
      settings.push_back({std::string(version) + "_" + codec,
                          std::string("COMPRESSION ") + codec +
                              ", ROW_GROUP_SIZE 2048, PARQUET_VERSION " + version});
  std::vector<std::string> writes, reads;
  std::vector<std::pair<const TypeCase*, std::string>> files;
  for (const Setting& s : settings) {
    for (const TypeCase& t : TypeCases()) {
      const std::string path = dir.File(t.name + "_" + s.label + ".parquet");
      writes.push_back(CopyStatement(t, path, s.options));
      reads.push_back(ExpectedStatement(t, path, "lo"));
      reads.push_back(ExpectedStatement(t, path, "hi"));
      files.emplace_back(&t, path);
    }
  }
  Query(writes);
  reads.push_back("SELECT DISTINCT encodings FROM parquet_metadata(" +
                  SqlString(dir.File("*.parquet")) + ") ORDER BY 1");
  reads.push_back("SELECT DISTINCT compression FROM parquet_metadata(" +
                  SqlString(dir.File("*.parquet")) + ") ORDER BY 1");
  const std::vector<json> expected = Query(reads);

  for (size_t f = 0; f < files.size(); ++f) {
    const TypeCase& t = *files[f].first;
    const std::string& path = files[f].second;
    const std::string label = fs::path(path).filename().string();
    const Schema schema = MakeParquetSource({})->InspectSchema(path);
    ASSERT_EQ(schema.size(), 2) << label;
    EXPECT_EQ(schema.field(0), (Field{"lo", t.type})) << label;
    EXPECT_EQ(schema.field(1), (Field{"hi", t.type})) << label;
    ScanOptions scan;
    scan.batch_rows = 1000;  // batches straddle pages and row groups
    const ReadBack r = Read(path, scan, 1);
    EXPECT_EQ(r.splits, 3u) << label << ": one split per row group";
    EXPECT_EQ(r.stats.rows_read, kRows) << label;
    ExpectSameValues(Column0(expected[2 * f]), Values(r, "lo"), label + " lo");
    ExpectSameValues(Column0(expected[2 * f + 1]), Values(r, "hi"), label + " hi");
  }

  // The files above exercised every encoding and codec the reader must support.
  std::string encodings, codecs;
  for (const json& row : expected[expected.size() - 2]["rows"])
    encodings += row[0].get<std::string>() + " ";
  for (const json& row : expected[expected.size() - 1]["rows"])
    codecs += row[0].get<std::string>() + " ";
  for (const char* e : {"PLAIN", "RLE_DICTIONARY", "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY",
                        "BYTE_STREAM_SPLIT"})
    EXPECT_NE(encodings.find(e), std::string::npos) << e << " not among " << encodings;
  for (const char* c : {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD"})
    EXPECT_NE(codecs.find(c), std::string::npos) << c << " not among " << codecs;
}

// ---------------------------------------------------------------------------------------------
// Categories, conversions, projection and split planning on DuckDB files.

TEST(ParquetReaderTest, StringsReadAsCategoriesReuseTheDictionaryPerBatch) {
  TempDir dir;
  const std::string path = dir.File("cat.parquet");
  Query({CopyStatement(TypeCases()[12], path, "ROW_GROUP_SIZE 2048"),
         "SELECT encodings FROM parquet_metadata(" + SqlString(path) +
             ") WHERE path_in_schema = 'lo'"});
  const std::vector<json> expected = Query({ExpectedStatement(TypeCases()[12], path, "lo"),
                                            ExpectedStatement(TypeCases()[12], path, "hi")});
  ReadOptions options;
  options.dtypes["lo"] = DataType::kCategory;
  options.dtypes["hi"] = DataType::kCategory;
  const Schema schema = MakeParquetSource(options)->InspectSchema(path);
  EXPECT_EQ(schema.field(0).type, DataType::kCategory);
  ScanOptions scan;
  scan.batch_rows = 700;
  const ReadBack r = Read(path, scan, 1 << 20, options);
  ExpectSameValues(Column0(expected[0]), Values(r, "lo"), "lo");
  ExpectSameValues(Column0(expected[1]), Values(r, "hi"), "hi");
  // As the CSV reader makes them: each batch's dictionary holds its values, in order of first
  // appearance, once each; missing rows have code -1.
  for (const Batch& b : r.batches) {
    for (const char* name : {"lo", "hi"}) {
      const Column& c = *b.Get(name);
      ASSERT_EQ(c.type, DataType::kCategory);
      std::vector<std::string> seen;
      for (int64_t i = 0; i < c.length; ++i) {
        if (c.IsNull(i)) {
          EXPECT_EQ(c.codes[i], -1);
          continue;
        }
        ASSERT_GE(c.codes[i], 0);
        ASSERT_LT(c.codes[i], static_cast<int32_t>(c.dict->size()));
        if (c.codes[i] == static_cast<int32_t>(seen.size())) seen.push_back((*c.dict)[c.codes[i]]);
        EXPECT_LT(c.codes[i], static_cast<int32_t>(seen.size())) << "codes in order of appearance";
      }
      EXPECT_EQ(seen, *c.dict);
    }
  }
}

// The second line of every error that a bad row stops a read with.
const std::string kStopHint =
    "\n  (to drop bad rows and go on: --on-bad-rows skip, or --on-bad-rows reject=FILE to list "
    "them)";

TEST(ParquetReaderTest, ConvertsToRequestedTypesAndReportsValuesThatCannotConvert) {
  TempDir dir;
  const std::string path = dir.File("mixed.parquet");
  // Row 3 (1-based) holds the first non-integral float and the first non-number text.
  Query(
      {"COPY (SELECT i::BIGINT AS n, CASE WHEN i = 2 THEN 1.5 WHEN i = 7 THEN 2.25 ELSE i "
       "END::DOUBLE AS f, "
       "CASE WHEN i = 2 THEN 'abc' WHEN i % 4 = 1 THEN 'NA' ELSE (i * 10)::VARCHAR END AS s, "
       "TIMESTAMP '2009-01-01 10:00:00' + INTERVAL (i) SECOND AS t, i % 2 = 0 AS b "
       "FROM range(3000) t(i)) TO " +
       SqlString(path) + " (FORMAT PARQUET, ROW_GROUP_SIZE 2048)"});
  Schema wanted({{"n", DataType::kF64},
                 {"t", DataType::kString},
                 {"n", DataType::kString},
                 {"b", DataType::kString}});
  ScanOptions scan;
  scan.columns = wanted;
  ReadBack r = Read(path, scan);
  ASSERT_EQ(r.stats.rows_read, 3000);
  EXPECT_EQ(r.batches[0].schema, wanted);
  const Column& nf = *r.batches[0].columns[0];
  EXPECT_EQ(nf.f64[5], 5.0);
  EXPECT_EQ(r.batches[0].columns[1]->Str(3), "2009-01-01 10:00:03");
  EXPECT_EQ(r.batches[0].columns[2]->Str(12), "12");
  EXPECT_EQ(r.batches[0].columns[3]->Str(1), "false");

  // Under kStop the first bad value stops the read with file, row group, row, column, value.
  scan.columns = Schema({{"f", DataType::kI64}, {"s", DataType::kI64}});
  try {
    Read(path, scan);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(std::string(e.what()),
              path + ": row group 0, row 3: column 'f': cannot parse '1.5' as int" + kStopHint);
  }
  // kSkip drops and counts them; 'NA' is missing, not bad, as in a CSV file.
  scan.on_bad_rows = BadRowPolicy::kSkip;
  r = Read(path, scan);
  EXPECT_EQ(r.stats.rows_rejected, 2);
  EXPECT_EQ(r.stats.rows_read, 2998);
  EXPECT_TRUE(r.stats.rejects.empty());
  const std::vector<json> s = Values(r, "s");
  EXPECT_EQ(s[0], "0");
  EXPECT_TRUE(s[1].is_null());  // 'NA'
  EXPECT_EQ(s[2], "30");        // row 3 (i = 2) was dropped
  // kReject records them with their 1-based row number in the file.
  scan.on_bad_rows = BadRowPolicy::kReject;
  r = Read(path, scan);
  ASSERT_EQ(r.stats.rejects.size(), 2u);
  EXPECT_EQ(r.stats.rejects[0].path, path);
  EXPECT_EQ(r.stats.rejects[0].line, 3);
  EXPECT_EQ(r.stats.rejects[0].reason, "column 'f': cannot parse '1.5' as int");
  EXPECT_EQ(r.stats.rejects[1].line, 8);
  EXPECT_EQ(r.stats.rejects[1].reason, "column 'f': cannot parse '2.25' as int");

  // A bad value in the second row group names it, and counts rows from the file's start.
  scan.columns = Schema({{"n", DataType::kBool}});
  scan.on_bad_rows = BadRowPolicy::kReject;
  r = Read(path, scan);
  EXPECT_EQ(r.stats.rows_read, 2);  // 0 and 1 read as bools
  ASSERT_EQ(r.stats.rejects.size(), 2998u);
  EXPECT_EQ(r.stats.rejects.back().line, 3000);
  scan.on_bad_rows = BadRowPolicy::kStop;
  scan.columns = Schema({{"t", DataType::kF64}});
  try {
    Read(path, scan);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path +
                                         ": row group 0, row 1: column 't': cannot parse "
                                         "'2009-01-01 10:00:00' as float" +
                                         kStopHint);
  }
  // A missing column is a schema error that lists the file's columns.
  scan.columns = Schema({{"nope", DataType::kF64}});
  try {
    Read(path, scan);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kSchema);
    EXPECT_EQ(std::string(e.what()),
              path + ": column 'nope' is required but not in the file (columns: n, f, s, t, b)");
  }
}

// As in a CSV file, a float column holds no NaN that is not marked missing and no infinity:
// NaN is missing, an infinity a bad value, whether the file stores doubles or text.
TEST(ParquetReaderTest, NaNIsMissingAndInfinityIsABadValue) {
  TempDir dir;
  const std::string path = dir.File("nonfinite.parquet");
  Query({"COPY (SELECT CASE i % 5 WHEN 1 THEN 'inf'::DOUBLE WHEN 2 THEN 'nan'::DOUBLE "
         "WHEN 3 THEN '-inf'::DOUBLE WHEN 4 THEN NULL ELSE i END AS f, "
         "CASE i % 5 WHEN 1 THEN 'inf' WHEN 2 THEN 'nan' WHEN 3 THEN '-Infinity' "
         "WHEN 4 THEN NULL ELSE i::VARCHAR END AS s FROM range(10) t(i)) TO " +
         SqlString(path) + " (FORMAT PARQUET)"});
  for (const std::string column : {"f", "s"}) {
    SCOPED_TRACE(column);
    ScanOptions scan;
    scan.columns = Schema({{column, DataType::kF64}});
    try {
      Read(path, scan);
      ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
      EXPECT_EQ(std::string(e.what()), path + ": row group 0, row 2: column '" + column +
                                           "': cannot parse 'inf' as float: infinite values "
                                           "are not read" + kStopHint);
    }
    scan.on_bad_rows = BadRowPolicy::kSkip;
    ReadBack r = Read(path, scan);
    EXPECT_EQ(r.stats.rows_read, 6);
    EXPECT_EQ(r.stats.rows_rejected, 4);
    EXPECT_EQ(Values(r, column), (std::vector<json>{0.0, nullptr, nullptr, 5.0, nullptr, nullptr}));
    scan.on_bad_rows = BadRowPolicy::kReject;
    r = Read(path, scan);
    ASSERT_EQ(r.stats.rejects.size(), 4u);
    const std::string minus = column == "f" ? "-inf" : "-Infinity";
    const std::vector<std::pair<int64_t, std::string>> want = {
        {2, "inf"}, {4, minus}, {7, "inf"}, {9, minus}};
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(r.stats.rejects[i].line, want[i].first);
      EXPECT_EQ(r.stats.rejects[i].reason, "column '" + column + "': cannot parse '" +
                                               want[i].second +
                                               "' as float: infinite values are not read");
    }
  }
}

TEST(ParquetReaderTest, ProjectionReadsOnlyTheRequestedColumnChunks) {
  TempDir dir;
  const std::string path = dir.File("wide.parquet");
  Query(
      {"COPY (SELECT i AS a, md5(i::VARCHAR) AS b, i / 3.0 AS c, i % 5 AS d FROM range(20000) "
       "t(i)) TO " +
       SqlString(path) + " (FORMAT PARQUET, ROW_GROUP_SIZE 4096)"});
  const std::vector<json> sizes =
      Query({"SELECT path_in_schema, sum(total_compressed_size)::VARCHAR FROM parquet_metadata(" +
             SqlString(path) + ") GROUP BY 1 ORDER BY 1"});
  std::map<std::string, int64_t> chunk_bytes;
  int64_t all_bytes = 0;
  for (const json& row : sizes[0]["rows"]) {
    chunk_bytes[row[0]] = std::stoll(row[1].get<std::string>());
    all_bytes += chunk_bytes[row[0]];
  }
  ScanOptions scan;
  scan.columns = Schema({{"d", DataType::kI64}});
  const ReadBack one = Read(path, scan);
  EXPECT_EQ(one.stats.rows_read, 20000);
  EXPECT_EQ(one.stats.bytes_read, chunk_bytes["d"]);
  scan.columns = Schema({{"c", DataType::kF64}, {"a", DataType::kI64}});
  EXPECT_EQ(Read(path, scan).stats.bytes_read, chunk_bytes["a"] + chunk_bytes["c"]);
  const ReadBack all = Read(path);
  EXPECT_EQ(all.stats.bytes_read, all_bytes);
  EXPECT_LT(one.stats.bytes_read * 10, all.stats.bytes_read);
}

TEST(ParquetReaderTest, PlansSplitsAsRangesOfRowGroups) {
  TempDir dir;
  fs::create_directory(dir.File("data"));
  const std::string a = dir.File("data/a.parquet"), b = dir.File("data/b.parquet");
  const std::string copy = " (FORMAT PARQUET, ROW_GROUP_SIZE 2048, COMPRESSION uncompressed)";
  Query({"COPY (SELECT i, i * 2 AS j FROM range(12288) t(i)) TO " + SqlString(a) + copy,
         "COPY (SELECT i + 12288 AS i, i AS j FROM range(5000) t(i)) TO " + SqlString(b) + copy,
         "COPY (SELECT i, i AS j FROM range(0) t(i)) TO " + SqlString(dir.File("empty.parquet")) +
             copy});
  WriteText(dir.File("data/_SUCCESS"), "{}");
  WriteText(dir.File("data/.part.tmp"), "junk");
  std::unique_ptr<Source> source = MakeParquetSource({});

  std::vector<Split> splits = source->Plan({a}, 1, 10);
  ASSERT_EQ(splits.size(), 6u);
  for (size_t g = 0; g < splits.size(); ++g) {
    EXPECT_EQ(splits[g].ordinal, static_cast<int64_t>(10 + g));
    EXPECT_EQ(splits[g].format, "parquet");
    EXPECT_EQ(splits[g].path, a);
    EXPECT_EQ(splits[g].begin, static_cast<int64_t>(g));
    EXPECT_EQ(splits[g].end, static_cast<int64_t>(g + 1));
  }
  splits = source->Plan({a}, int64_t{1} << 40);
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].begin, 0);
  EXPECT_EQ(splits[0].end, 6);
  // Each row group holds 2048 * 16 bytes of values: 40000 bytes gathers two of them.
  splits = source->Plan({a}, 40000);
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(splits[1].begin, 2);
  EXPECT_EQ(splits[1].end, 4);

  // A directory: its data files in name order, markers and hidden files skipped; reading the
  // splits in order gives the rows in order.
  splits = source->Plan({dir.File("data")}, 1);
  ASSERT_EQ(splits.size(), 9u);
  EXPECT_EQ(splits[6].path, b);
  std::vector<int64_t> values;
  for (const Split& split : splits) {
    auto reader = source->Open(split, ScanOptions());
    Batch batch;
    while (reader->Next(&batch))
      for (int64_t r = 0; r < batch.num_rows; ++r) values.push_back(batch.Get("i")->i64[r]);
  }
  ASSERT_EQ(values.size(), 12288u + 5000u);
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(values[i], static_cast<int64_t>(i));
  EXPECT_EQ(source->InspectSchema(dir.File("data")),
            Schema({{"i", DataType::kI64}, {"j", DataType::kI64}}));

  // An empty file still gets a split (opening it checks the columns) and yields no rows.
  splits = source->Plan({dir.File("empty.parquet")}, 1);
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].begin, splits[0].end);
  Batch batch;
  EXPECT_FALSE(source->Open(splits[0], ScanOptions())->Next(&batch));
  ScanOptions missing;
  missing.columns = Schema({{"x", DataType::kF64}});
  EXPECT_THROW(source->Open(splits[0], missing), Error);

  // A split that no longer fits the file is an I/O error, not a crash.
  Split stale = source->Plan({b}, 1)[0];
  stale.end = 7;
  EXPECT_THROW(source->Open(stale, ScanOptions()), Error);
}

// ---------------------------------------------------------------------------------------------
// outcore's own writer, read back.

TEST(ParquetReaderTest, ReadsWhatOutcoresWriterWrites) {
  TempDir dir;
  const int64_t n = 10000;
  Schema schema({{"d", DataType::kF64},
                 {"n", DataType::kI64},
                 {"b", DataType::kBool},
                 {"t", DataType::kTimestamp},
                 {"s", DataType::kString},
                 {"c", DataType::kCategory}});
  auto make = [&](int64_t begin, int64_t end) {
    Batch batch;
    batch.num_rows = end - begin;
    std::vector<std::shared_ptr<Column>> cols;
    for (const Field& f : schema.fields()) {
      cols.push_back(std::make_shared<Column>(f.type));
      cols.back()->length = end - begin;
      if (f.type == DataType::kString) cols.back()->offsets.push_back(0);
    }
    auto dict = std::make_shared<Dictionary>(Dictionary{"red", "green", "blue"});
    for (int64_t i = begin; i < end; ++i) {
      cols[0]->f64.push_back(i * 0.1 - 7);
      cols[1]->i64.push_back(i * 1000003 - 5000000000);
      cols[2]->u8.push_back(i % 3 == 0);
      cols[3]->i64.push_back(1230768000000000 + i * 1000001);
      cols[4]->chars += "row " + std::to_string(i % 97);
      cols[4]->offsets.push_back(static_cast<int64_t>(cols[4]->chars.size()));
      cols[5]->codes.push_back(static_cast<int32_t>(i % 3));
    }
    cols[5]->dict = dict;
    for (int64_t i = begin; i < end; ++i)
      if (i % 7 == 2) cols[i % 6]->SetNull(i - begin);
    for (size_t k = 0; k < cols.size(); ++k) batch.Add(schema.field(k).name, cols[k]);
    return batch;
  };
  int version = 0;
  for (Compression compression : {Compression::kNone, Compression::kSnappy, Compression::kZstd}) {
    for (bool dictionary : {true, false}) {
      const std::string path = dir.File("ours" + std::to_string(version++) + ".parquet");
      WriterOptions options;
      options.compression = compression;
      options.row_group_rows = 3000;
      options.dictionary = dictionary;
      std::unique_ptr<PartWriter> writer =
          OpenPartWriter(path, OutputFormat::kParquet, schema, options);
      for (int64_t begin = 0; begin < n; begin += 2500) writer->Write(make(begin, begin + 2500));
      ASSERT_EQ(writer->Finish(), n);

      ReadOptions read;
      read.dtypes["c"] = DataType::kCategory;
      EXPECT_EQ(MakeParquetSource(read)->InspectSchema(path), schema);
      ScanOptions scan;
      scan.batch_rows = 4096;
      const ReadBack r = Read(path, scan, 1, read);
      EXPECT_EQ(r.splits, 4u);
      ASSERT_EQ(r.stats.rows_read, n);
      const Batch expected = make(0, n);
      for (const Field& f : schema.fields()) {
        const Column& want = *expected.Get(f.name);
        std::vector<json> values = Values(r, f.name);
        ASSERT_EQ(static_cast<int64_t>(values.size()), n);
        for (int64_t i = 0; i < n; ++i)
          ASSERT_EQ(values[i], ValueOf(want, i)) << path << " column " << f.name << " row " << i;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-made files: encodings DuckDB does not write, and files no writer should write.

std::string Le32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string Le64(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

std::string Uleb(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  return out + static_cast<char>(v);
}
std::string ZigZag(int64_t v) {
  return Uleb((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

// Packs values of `width` bits, least significant bit first.
std::string Pack(const std::vector<uint64_t>& values, int width) {
  std::string out((values.size() * width + 7) / 8, '\0');
  for (size_t i = 0; i < values.size(); ++i)
    for (int b = 0; b < width; ++b)
      if ((values[i] >> b) & 1)
        out[(i * width + b) / 8] |= static_cast<char>(1 << ((i * width + b) % 8));
  return out;
}

// The RLE/bit-packed hybrid as one bit-packed run (values padded to a multiple of 8).
std::string BitPackedRun(std::vector<uint64_t> values, int width) {
  const size_t groups = (values.size() + 7) / 8;
  values.resize(groups * 8, 0);
  return Uleb(groups << 1 | 1) + Pack(values, width);
}

// Definition levels of a v1 page: a 4-byte length, then the hybrid encoding.
std::string Levels(const std::vector<bool>& defined) {
  std::vector<uint64_t> v(defined.begin(), defined.end());
  const std::string run = BitPackedRun(v, 1);
  return Le32(static_cast<uint32_t>(run.size())) + run;
}

// DELTA_BINARY_PACKED with blocks of 128 values in 4 miniblocks.
std::string DeltaEncode(const std::vector<int64_t>& values) {
  std::string out =
      Uleb(128) + Uleb(4) + Uleb(values.size()) + ZigZag(values.empty() ? 0 : values[0]);
  for (size_t start = 1; start < values.size(); start += 128) {
    const size_t end = std::min(start + 128, values.size());
    std::vector<uint64_t> deltas;
    for (size_t i = start; i < end; ++i)
      deltas.push_back(static_cast<uint64_t>(values[i]) - static_cast<uint64_t>(values[i - 1]));
    int64_t min_delta = static_cast<int64_t>(deltas[0]);
    for (uint64_t d : deltas) min_delta = std::min(min_delta, static_cast<int64_t>(d));
    for (uint64_t& d : deltas) d -= static_cast<uint64_t>(min_delta);
    out += ZigZag(min_delta);
    std::string widths, data;
    for (size_t mb = 0; mb < 4; ++mb) {
      if (mb * 32 >= deltas.size()) {
        widths += '\0';
        continue;
      }
      std::vector<uint64_t> mini(deltas.begin() + mb * 32,
                                 deltas.begin() + std::min(deltas.size(), mb * 32 + 32));
      int width = 0;
      for (uint64_t d : mini) width = std::max(width, static_cast<int>(std::bit_width(d)));
      mini.resize(32, 0);
      widths += static_cast<char>(width);
      data += Pack(mini, width);
    }
    out += widths + data;
  }
  return out;
}

enum Physical : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kDouble = 5,
  kByteArray = 6
};
enum Enc : int32_t {
  kPlain = 0,
  kPlainDict = 2,
  kRle = 3,
  kDelta = 5,
  kDeltaLength = 6,
  kDeltaBytes = 7,
  kRleDict = 8
};

std::string DataPageV1(const std::string& body, int32_t num_values, int32_t encoding,
                       int32_t compressed_size = -1) {
  std::string out;
  CompactWriter w(&out);
  w.I32(1, 0);
  w.I32(2, static_cast<int32_t>(body.size()));
  w.I32(3, compressed_size >= 0 ? compressed_size : static_cast<int32_t>(body.size()));
  w.BeginStruct(5);
  w.I32(1, num_values);
  w.I32(2, encoding);
  w.I32(3, kRle);
  w.I32(4, kRle);
  w.EndStruct();
  w.End();
  return out + body;
}

std::string DictionaryPage(const std::string& body, int32_t num_values) {
  std::string out;
  CompactWriter w(&out);
  w.I32(1, 2);
  w.I32(2, static_cast<int32_t>(body.size()));
  w.I32(3, static_cast<int32_t>(body.size()));
  w.BeginStruct(7);
  w.I32(1, num_values);
  w.I32(2, kPlain);
  w.EndStruct();
  w.End();
  return out + body;
}

// A v2 page: levels uncompressed, then `values` (stored as given; `compressed` says how).
std::string DataPageV2(const std::string& def_levels, const std::string& values, int32_t num_values,
                       int32_t num_nulls, int32_t encoding, bool compressed,
                       int32_t uncompressed_values_size = -1) {
  std::string out;
  CompactWriter w(&out);
  const int32_t levels = static_cast<int32_t>(def_levels.size());
  w.I32(1, 3);
  w.I32(2, levels + (uncompressed_values_size >= 0 ? uncompressed_values_size
                                                   : static_cast<int32_t>(values.size())));
  w.I32(3, levels + static_cast<int32_t>(values.size()));
  w.BeginStruct(8);
  w.I32(1, num_values);
  w.I32(2, num_nulls);
  w.I32(3, num_values);
  w.I32(4, encoding);
  w.I32(5, levels);
  w.I32(6, 0);
  w.Bool(7, compressed);
  w.EndStruct();
  w.End();
  return out + def_levels + values;
}

// A one-column file with one row group whose chunk is `pages`, starting at offset 4.
struct HandFile {
  int32_t physical = kInt64;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY
  int32_t repetition = 1;   // OPTIONAL
  std::optional<int32_t> converted;
  int16_t logical = 0;    // the LogicalType union member (7 TIME, 14 UUID...); 0: none
  int16_t time_unit = 0;  // TIME: 1 MILLIS, 2 MICROS, 3 NANOS
  bool empty_group_first = false;  // a row group of 0 rows, its offsets 0, before the other
  std::string name = "x";
  int64_t num_rows = 0;
  std::string pages;
  int32_t codec = 0;
  std::optional<int64_t> chunk_size, num_values, file_rows;
  bool nested = false;

  std::string Build() const {
    std::string footer;
    CompactWriter w(&footer);
    w.I32(1, 1);
    w.BeginList(2, ThriftType::kStruct, nested ? 3 : 2);
    w.BeginListStruct();
    w.Binary(4, "schema");
    w.I32(5, 1);
    w.EndStruct();
    if (nested) {
      w.BeginListStruct();
      w.I32(3, 1);
      w.Binary(4, "group");
      w.I32(5, 1);
      w.EndStruct();
    }
    w.BeginListStruct();
    w.I32(1, physical);
    if (type_length > 0) w.I32(2, type_length);
    w.I32(3, repetition);
    w.Binary(4, name);
    if (converted) w.I32(6, *converted);
    if (logical != 0) {
      w.BeginStruct(10);
      w.BeginStruct(logical);
      if (time_unit != 0) {
        w.Bool(1, false);  // isAdjustedToUTC
        w.BeginStruct(2);
        w.BeginStruct(time_unit);
        w.EndStruct();
        w.EndStruct();
      }
      w.EndStruct();
      w.EndStruct();
    }
    w.EndStruct();
    w.I64(3, file_rows.value_or(num_rows));
    w.BeginList(4, ThriftType::kStruct, empty_group_first ? 2 : 1);
    if (empty_group_first) {
      // As some writers leave a group with no rows: no pages, every offset and size 0.
      w.BeginListStruct();
      w.BeginList(1, ThriftType::kStruct, 1);
      w.BeginListStruct();
      w.I64(2, 0);
      w.BeginStruct(3);
      w.I32(1, physical);
      w.BeginList(2, ThriftType::kI32, 1);
      w.ListI32(0);
      w.BeginList(3, ThriftType::kBinary, 1);
      w.ListBinary(name);
      w.I32(4, codec);
      w.I64(5, 0);
      w.I64(6, 0);
      w.I64(7, 0);
      w.I64(9, 0);
      w.EndStruct();
      w.EndStruct();
      w.I64(2, 0);
      w.I64(3, 0);
      w.EndStruct();
    }
    w.BeginListStruct();
    w.BeginList(1, ThriftType::kStruct, 1);
    w.BeginListStruct();
    w.I64(2, 0);
    w.BeginStruct(3);
    w.I32(1, physical);
    w.BeginList(2, ThriftType::kI32, 1);
    w.ListI32(0);
    w.BeginList(3, ThriftType::kBinary, 1);
    w.ListBinary(name);
    w.I32(4, codec);
    w.I64(5, num_values.value_or(num_rows));
    w.I64(6, static_cast<int64_t>(pages.size()));
    w.I64(7, chunk_size.value_or(static_cast<int64_t>(pages.size())));
    w.I64(9, 4);
    w.EndStruct();
    w.EndStruct();
    w.I64(2, static_cast<int64_t>(pages.size()));
    w.I64(3, num_rows);
    w.EndStruct();
    w.End();
    return "PAR1" + pages + footer + Le32(static_cast<uint32_t>(footer.size())) + "PAR1";
  }
};

// Reads a file's column "x" as `type`; the values as JSON.
std::vector<json> ReadHand(const std::string& bytes, DataType type, int64_t batch_rows = 3) {
  TempDir dir;
  const std::string path = dir.File("hand.parquet");
  WriteText(path, bytes);
  ScanOptions scan;
  scan.columns = Schema({{"x", type}});
  scan.batch_rows = batch_rows;
  return Values(Read(path, scan), "x");
}

// The error that reading a file (every column, as its own type) gives; "" if none.
std::string ReadError(const std::string& bytes, ErrorCode* code = nullptr) {
  TempDir dir;
  const std::string path = dir.File("bad.parquet");
  WriteText(path, bytes);
  try {
    Read(path);
  } catch (const Error& e) {
    if (code != nullptr) *code = e.code();
    std::string what = e.what();
    EXPECT_EQ(what.rfind(path + ":", 0), 0u) << "the message names the file: " << what;
    return what.substr(std::min(what.size(), path.size() + 2));
  }
  return "";
}

TEST(ParquetReaderHandTest, RequiredColumnsHaveNoLevels) {
  HandFile f;
  f.repetition = 0;
  f.num_rows = 3;
  f.pages = DataPageV1(Le64(5) + Le64(-7) + Le64(9), 3, kPlain);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kI64), (std::vector<json>{"5", "-7", "9"}));
}

TEST(ParquetReaderHandTest, RleBooleansInPagesV1AndV2) {
  const std::vector<bool> values = {true, false, true, true, false, false, false, true, true, true};
  const std::string rle = BitPackedRun(std::vector<uint64_t>(values.begin(), values.end()), 1);
  HandFile f;
  f.physical = kBoolean;
  f.num_rows = 12;
  std::vector<bool> defined(12, true);
  defined[1] = defined[7] = false;
  f.pages = DataPageV1(Levels(defined) + Le32(static_cast<uint32_t>(rle.size())) + rle, 12, kRle);
  const std::vector<json> want = {true,  nullptr, false, true, true, false,
                                  false, nullptr, false, true, true, true};
  EXPECT_EQ(ReadHand(f.Build(), DataType::kBool), want);
  // v2: levels without a length prefix, booleans with one; then a second page, v1 PLAIN.
  const std::string levels = Levels(defined).substr(4);
  f.num_rows = 15;
  f.pages = DataPageV2(levels, Le32(static_cast<uint32_t>(rle.size())) + rle, 12, 2, kRle, false) +
            DataPageV1(Levels({true, true, true}) + std::string(1, '\x05'), 3, kPlain);
  std::vector<json> want2 = want;
  for (json v : {true, false, true}) want2.push_back(v);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kBool, 4), want2);
}

TEST(ParquetReaderHandTest, DeltaEncodingsDecodeExtremesAndPrefixes) {
  // DELTA_BINARY_PACKED over several blocks, with deltas that overflow int64 (they wrap).
  std::vector<int64_t> ints;
  for (int i = 0; i < 300; ++i)
    ints.push_back(i % 5 == 0 ? INT64_MIN + i : i % 7 == 0 ? INT64_MAX - i : i * i);
  HandFile f;
  f.repetition = 0;
  f.num_rows = static_cast<int64_t>(ints.size());
  f.pages = DataPageV1(DeltaEncode(ints), f.num_rows, kDelta);
  std::vector<json> want;
  for (int64_t v : ints) want.push_back(std::to_string(v));
  EXPECT_EQ(ReadHand(f.Build(), DataType::kI64, 100), want);
  // INT32 wraps in 32 bits.
  std::vector<int64_t> small = {INT32_MAX, INT32_MIN, 0, -1, INT32_MAX};
  f.physical = kInt32;
  f.num_rows = 5;
  f.pages = DataPageV1(DeltaEncode(small), 5, kDelta);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kI64),
            (std::vector<json>{"2147483647", "-2147483648", "0", "-1", "2147483647"}));

  // DELTA_BYTE_ARRAY (the example of Encodings.md) and DELTA_LENGTH_BYTE_ARRAY, with a null.
  f = HandFile();
  f.physical = kByteArray;
  f.converted = 0;  // UTF8
  f.num_rows = 5;
  const std::string body =
      DeltaEncode({0, 2, 0, 3}) + DeltaEncode({4, 2, 6, 5}) + "axislebabbleyhood";
  f.pages = DataPageV1(Levels({true, true, false, true, true}) + body, 5, kDeltaBytes);
  const std::vector<json> words = {"axis", "axle", nullptr, "babble", "babyhood"};
  EXPECT_EQ(ReadHand(f.Build(), DataType::kString), words);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kCategory, 2), words);
  f.pages = DataPageV1(Levels({true, true, false, true, true}) + DeltaEncode({4, 4, 6, 8}) +
                           "axisaxlebabblebabyhood",
                       5, kDeltaLength);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kString), words);
}

TEST(ParquetReaderHandTest, LegacyDictionaryInt96AndUncompressedV2Pages) {
  // PLAIN_DICTIONARY data pages (the deprecated spelling) over a double dictionary.
  HandFile f;
  f.physical = kDouble;
  f.num_rows = 4;
  const std::string indices = std::string(1, '\x02') + BitPackedRun({2, 0, 1}, 2);
  f.pages =
      DictionaryPage(Le64(std::bit_cast<uint64_t>(0.5)) + Le64(std::bit_cast<uint64_t>(-2.0)) +
                         Le64(std::bit_cast<uint64_t>(1e300)),
                     3) +
      DataPageV1(Levels({true, true, false, true}) + indices, 4, kPlainDict);
  std::vector<json> got = ReadHand(f.Build(), DataType::kF64);
  EXPECT_EQ(got, (std::vector<json>{1e300, 0.5, nullptr, -2.0}));
  // The same dictionary read as text goes through the values' shortest spelling.
  EXPECT_EQ(ReadHand(f.Build(), DataType::kString),
            (std::vector<json>{"1e+300", "0.5", nullptr, "-2"}));

  // INT96: nanoseconds of the day, then the Julian day (2440588 = 1970-01-01).
  f = HandFile();
  f.physical = kInt96;
  f.repetition = 0;
  f.num_rows = 2;
  const std::string v1 = Le64(3723000001000) + Le32(2440588 + 14245);  // 2009-01-01 01:02:03.000001
  const std::string v2 = Le64(0) + Le32(2440588 - 1);                  // 1969-12-31
  f.pages = DataPageV1(v1 + v2, 2, kPlain);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kString),
            (std::vector<json>{"2009-01-01 01:02:03.000001", "1969-12-31 00:00:00"}));

  // A v2 page marked uncompressed in a snappy chunk: its values are stored as they are.
  f = HandFile();
  f.num_rows = 3;
  f.codec = 1;
  const std::string levels = Levels({true, false, true}).substr(4);
  f.pages = DataPageV2(levels, Le64(42) + Le64(43), 3, 1, kPlain, false);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kI64), (std::vector<json>{"42", nullptr, "43"}));
}

TEST(ParquetReaderHandTest, HostileFilesFailWithClearErrors) {
  HandFile good;
  good.num_rows = 3;
  good.pages = DataPageV1(Levels({true, false, true}) + Le64(1) + Le64(3), 3, kPlain);
  const std::string valid = good.Build();
  ASSERT_EQ(ReadError(valid), "");
  auto with = [&](std::function<void(HandFile*)> change) {
    HandFile f = good;
    change(&f);
    return ReadError(f.Build());
  };
  ErrorCode code = ErrorCode::kInternal;

  // The frame: magic numbers and the footer length.
  EXPECT_EQ(ReadError("hello", &code), "not a Parquet file (5 bytes is too small)");
  EXPECT_EQ(code, ErrorCode::kInvalidInput);
  EXPECT_EQ(ReadError("PAR2" + valid.substr(4)),
            "not a Parquet file (it does not start with PAR1)");
  EXPECT_EQ(ReadError(valid.substr(0, valid.size() - 20)),
            "the file does not end with PAR1 (is it truncated, or still being written?)");
  std::string huge_footer = valid;
  huge_footer.replace(huge_footer.size() - 8, 4, Le32(0x7fffffff));
  EXPECT_EQ(ReadError(huge_footer),
            "the footer length 2147483647 is larger than the file allows (" +
                std::to_string(valid.size()) + " bytes)");
  // A footer cut short: its first bytes are not metadata.
  std::string short_footer = valid;
  uint32_t footer_length;
  std::memcpy(&footer_length, valid.data() + valid.size() - 8, 4);
  short_footer.replace(short_footer.size() - 8, 4, Le32(footer_length - 7));
  EXPECT_NE(ReadError(short_footer, &code), "");
  EXPECT_EQ(code, ErrorCode::kInvalidInput);

  // Counts and sizes in the metadata.
  EXPECT_EQ(with([](HandFile* f) { f->file_rows = -1; }),
            "the file metadata has no valid row count");
  EXPECT_EQ(with([](HandFile* f) { f->chunk_size = -5; }),
            "row group 0, column 'x': the chunk's -5 bytes at offset 4 lie outside the file's data "
            "(bytes 4 to " +
                std::to_string(4 + good.pages.size()) + ")");
  EXPECT_NE(
      with([](HandFile* f) { f->chunk_size = int64_t{1} << 40; }).find("lie outside the file"),
      std::string::npos);
  EXPECT_EQ(with([](HandFile* f) { f->num_values = 4; }),
            "row group 0, column 'x': the chunk holds 4 values for 3 rows");
  EXPECT_EQ(with([](HandFile* f) { f->nested = true; }),
            "column 'group' is nested (a group of 1 fields): only flat schemas can be read");
  EXPECT_EQ(with([](HandFile* f) { f->repetition = 2; }),
            "column 'x' is repeated (a list): only flat schemas can be read");
  EXPECT_EQ(with([](HandFile* f) { f->codec = 5; }),
            "row group 0, column 'x': compression codec LZ4 is not supported (UNCOMPRESSED, "
            "SNAPPY, GZIP and ZSTD are)");
  EXPECT_EQ(with([](HandFile* f) { f->codec = 7; }),
            "row group 0, column 'x': compression codec LZ4_RAW is not supported (UNCOMPRESSED, "
            "SNAPPY, GZIP and ZSTD are)");
  EXPECT_EQ(with([](HandFile* f) { f->codec = 42; }),
            "row group 0, column 'x': compression codec 42 is not supported (UNCOMPRESSED, "
            "SNAPPY, GZIP and ZSTD are)");

  // Pages.
  const std::string page_context = "row group 0, column 'x': ";
  EXPECT_EQ(
      with([](HandFile* f) {
        f->pages = DataPageV1(Levels({true, false, true}) + Le64(1) + Le64(3), 3, kPlain, 5000);
      }),
      page_context + "a page of 5000 bytes runs past the end of its column chunk (" +
          std::to_string(Levels({true, false, true}).size() + 16) + " bytes left)");
  EXPECT_EQ(with([](HandFile* f) { f->num_rows = 10; }),
            page_context + "the column chunk ends with 7 values missing");
  // A 300-byte file claiming a page of 2 GB (the most an i32 can claim) fails at once.
  {
    HandFile f = good;
    f.codec = 6;
    std::string header;
    CompactWriter w(&header);
    w.I32(1, 0);
    w.I32(2, INT32_MAX);
    w.I32(3, 10);
    w.BeginStruct(5);
    w.I32(1, 3);
    w.I32(2, kPlain);
    w.I32(3, kRle);
    w.I32(4, kRle);
    w.EndStruct();
    w.End();
    f.pages = header + std::string(10, 'z');
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(ReadError(f.Build()),
              page_context + "a page claims 2147483647 bytes uncompressed from 10 ZSTD bytes");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    // 4 GB does not even fit the header's field.
    header.clear();
    CompactWriter w4(&header);
    w4.I32(1, 0);
    w4.I64(2, int64_t{4} << 30);
    w4.I32(3, 10);
    w4.End();
    f.pages = header + std::string(10, 'z');
    EXPECT_NE(ReadError(f.Build()).find("the 32-bit value 4294967296 is out of range"),
              std::string::npos);
  }
  // Dictionary indices: out of range, and an impossible bit width.
  const std::string dictionary = DictionaryPage(Le64(10) + Le64(20), 2);
  EXPECT_EQ(with([&](HandFile* f) {
              f->pages = dictionary +
                         DataPageV1(Levels({true, false, true}) + "\x02" + BitPackedRun({0, 3}, 2),
                                    3, kRleDict);
            }),
            page_context + "dictionary index 3 is out of range (the dictionary has 2 values)");
  EXPECT_EQ(with([&](HandFile* f) {
              f->pages = dictionary +
                         DataPageV1(Levels({true, false, true}) + "\x3c" + BitPackedRun({0, 1}, 8),
                                    3, kRleDict);
            }),
            page_context + "invalid bit width 60 for dictionary indices");
  EXPECT_EQ(with([&](HandFile* f) {
              f->pages = DataPageV1(Levels({true, false, true}) + "\x01" + BitPackedRun({0, 1}, 1),
                                    3, kRleDict);
            }),
            page_context + "a dictionary-encoded page has no dictionary page before it");
  // Byte arrays and delta data that run past their page.
  EXPECT_EQ(with([](HandFile* f) {
              f->physical = kByteArray;
              f->converted = 0;  // UTF8
              f->pages = DataPageV1(Levels({true, false, true}) + Le32(2) + "ab" + Le32(1000) + "c",
                                    3, kPlain);
            }),
            page_context + "a PLAIN byte array of 1000 bytes runs past its page");
  EXPECT_EQ(with([](HandFile* f) {
              f->pages = DataPageV1(
                  Levels({true, false, true}) + Uleb(100) + Uleb(4) + Uleb(2) + ZigZag(0), 3,
                  kDelta);
            }),
            page_context + "DELTA_BINARY_PACKED block size 100 is invalid");
  EXPECT_EQ(with([](HandFile* f) {
              f->pages = DataPageV1(Levels({true, false, true}) + Le64(1), 3, kPlain);
            }),
            page_context + "2 PLAIN values of 8 bytes do not fit in 8 bytes");
}

// Byte arrays that are not annotated as text hold binary data: a column of them is refused by
// name and type when it is read, and never read as text (its bytes would not be UTF-8).
TEST(ParquetReaderHandTest, BinaryColumnsAreRefusedWhenReadAndStringsMustBeUtf8) {
  HandFile f;
  f.physical = kByteArray;
  f.num_rows = 3;
  f.pages = DataPageV1(Levels({true, false, true}) + Le32(2) + std::string("a\0", 2) + Le32(1) + "c",
                       3, kPlain);
  ErrorCode code = ErrorCode::kInternal;
  EXPECT_EQ(ReadError(f.Build(), &code),
            "column 'x' is Parquet BYTE_ARRAY without a string annotation: binary data, which "
            "outcore does not read (as text it would not be UTF-8); leave the column out of the "
            "model's inputs or the command's --columns");
  EXPECT_EQ(code, ErrorCode::kInvalidInput);
  f.physical = 7;  // FIXED_LEN_BYTE_ARRAY
  f.type_length = 2;
  f.pages = DataPageV1(Levels({true, false, true}) + std::string("a\0bc", 4), 3, kPlain);
  EXPECT_NE(ReadError(f.Build()).find("column 'x' is Parquet FIXED_LEN_BYTE_ARRAY(2) without a "
                                      "string annotation: binary data"),
            std::string::npos);
  f.type_length = 16;
  f.logical = 14;  // UUID
  f.pages = DataPageV1(Levels({true, false, true}) + std::string(32, '\x01'), 3, kPlain);
  EXPECT_NE(ReadError(f.Build()).find("column 'x' is Parquet FIXED_LEN_BYTE_ARRAY(16) UUID"),
            std::string::npos);
  f.logical = 0;
  f.type_length = 12;
  f.converted = 21;  // INTERVAL
  f.pages = DataPageV1(Levels({true, false, true}) + std::string(24, '\x01'), 3, kPlain);
  EXPECT_NE(ReadError(f.Build()).find("column 'x' is Parquet FIXED_LEN_BYTE_ARRAY(12) INTERVAL"),
            std::string::npos);
  // Even when asked for as a category, or as a number.
  for (DataType type : {DataType::kString, DataType::kCategory, DataType::kF64}) {
    try {
      ReadHand(f.Build(), type);
      ADD_FAILURE() << "a binary column was read as " << TypeName(type);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("INTERVAL: binary data"), std::string::npos);
    }
  }

  // STRING (UTF8) values must be UTF-8 without NUL: others are bad values, PLAIN or in the
  // dictionary, reported with their row and skipped as the policy says.
  f = HandFile();
  f.physical = kByteArray;
  f.converted = 0;  // UTF8
  f.num_rows = 4;
  f.pages = DataPageV1(Levels({true, true, false, true}) + Le32(2) + "ok" + Le32(4) + "caf\xE9" +
                           Le32(2) + "\xC3\xA9",
                       4, kPlain);
  EXPECT_EQ(ReadError(f.Build()),
            "row group 0, row 2: column 'x': cannot parse 'caf\\xE9' as string: not UTF-8, though "
            "the file declares the column a STRING" +
                kStopHint);
  f.logical = 1;  // STRING as a logical type too
  f.pages = DictionaryPage(Le32(2) + "ok" + Le32(2) + std::string("a\0", 2), 2) +
            DataPageV1(Levels({true, true, false, true}) + "\x01" + BitPackedRun({0, 1, 0}, 1), 4,
                       kRleDict);
  EXPECT_EQ(ReadError(f.Build()),
            "row group 0, row 2: column 'x': cannot parse 'a\\x00' as string: NUL byte in a STRING "
            "column" +
                kStopHint);
  TempDir dir;
  const std::string path = dir.File("strings.parquet");
  WriteText(path, f.Build());
  for (DataType type : {DataType::kString, DataType::kCategory}) {
    ScanOptions scan;
    scan.columns = Schema({{"x", type}});
    scan.on_bad_rows = BadRowPolicy::kSkip;
    const ReadBack r = Read(path, scan);
    EXPECT_EQ(Values(r, "x"), (std::vector<json>{"ok", nullptr, "ok"}));
    EXPECT_EQ(r.stats.rows_rejected, 1);
  }
}

// TIME is read as a float: seconds since midnight, whatever the unit it is stored in.
TEST(ParquetReaderHandTest, TimesReadAsSecondsSinceMidnight) {
  HandFile f;
  f.physical = kInt32;
  f.converted = 7;  // TIME_MILLIS
  f.num_rows = 3;
  f.pages = DataPageV1(Levels({true, false, true}) + Le32(45296789) + Le32(0), 3, kPlain);
  TempDir dir;
  const std::string path = dir.File("time.parquet");
  WriteText(path, f.Build());
  EXPECT_EQ(MakeParquetSource({})->InspectSchema(path), Schema({{"x", DataType::kF64}}));
  EXPECT_EQ(ReadHand(f.Build(), DataType::kF64), (std::vector<json>{45296.789, nullptr, 0.0}));
  // INT64 TIME_MICROS (converted type), then the logical type in each unit.
  f.physical = kInt64;
  f.converted = 8;
  f.pages = DataPageV1(Levels({true, false, true}) + Le64(45296789012) + Le64(86399999999), 3,
                       kPlain);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kF64),
            (std::vector<json>{45296.789012, nullptr, 86399.999999}));
  f.converted.reset();
  f.logical = 7;  // TIME
  f.time_unit = 2;  // MICROS
  EXPECT_EQ(ReadHand(f.Build(), DataType::kF64),
            (std::vector<json>{45296.789012, nullptr, 86399.999999}));
  f.time_unit = 3;  // NANOS
  f.pages = DataPageV1(Levels({true, false, true}) + Le64(45296789012345) + Le64(1), 3, kPlain);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kF64), (std::vector<json>{45296.789012345, nullptr, 1e-9}));
  f.physical = kInt32;
  f.time_unit = 1;  // MILLIS
  f.pages = DataPageV1(Levels({true, false, true}) + Le32(1500) + Le32(86399999), 3, kPlain);
  EXPECT_EQ(ReadHand(f.Build(), DataType::kF64), (std::vector<json>{1.5, nullptr, 86399.999}));
  // Asked for as text: the seconds, as a float is spelled.
  EXPECT_EQ(ReadHand(f.Build(), DataType::kString), (std::vector<json>{"1.5", nullptr, "86399.999"}));
}

// Valid files that writers produce: a row group of no rows whose chunks have no offsets, and a
// v2 page whose values take 0 bytes (all nulls) in a compressed chunk, which is not decompressed.
TEST(ParquetReaderHandTest, EmptyRowGroupsAndEmptyCompressedPagesRead) {
  HandFile f;
  f.num_rows = 3;
  f.pages = DataPageV1(Levels({true, false, true}) + Le64(1) + Le64(3), 3, kPlain);
  f.empty_group_first = true;
  EXPECT_EQ(ReadError(f.Build()), "");
  EXPECT_EQ(ReadHand(f.Build(), DataType::kI64), (std::vector<json>{"1", nullptr, "3"}));
  TempDir dir;
  const std::string path = dir.File("groups.parquet");
  WriteText(path, f.Build());
  EXPECT_EQ(Read(path, {}, 1).stats.rows_read, 3);

  for (int32_t codec : {1, 2, 6}) {  // SNAPPY, GZIP, ZSTD
    f = HandFile();
    f.codec = codec;
    f.num_rows = 5;
    const std::string nulls = Levels({false, false, false}).substr(4);
    f.pages = DataPageV2(nulls, "", 3, 3, kPlain, true) +
              DataPageV2(Levels({true, true}).substr(4), Le64(7) + Le64(8), 2, 0, kPlain, false);
    EXPECT_EQ(ReadHand(f.Build(), DataType::kI64),
              (std::vector<json>{nullptr, nullptr, nullptr, "7", "8"}))
        << "codec " << codec;
  }
}

// Random damage to real files: every read either succeeds or fails with an outcore Error
// (never a crash, a hang or another exception).
TEST(ParquetReaderHandTest, DamagedFilesNeverCrash) {
  TempDir dir;
  const std::string v1 = dir.File("v1.parquet"), v2 = dir.File("v2.parquet");
  const std::string select =
      "SELECT i, i % 7 AS small, md5(i::VARCHAR) AS s, 'k' || (i % 5) AS k, i / 3.0 AS d, "
      "TIMESTAMP '2009-01-01' + INTERVAL (i) MINUTE AS t, i % 2 = 0 AS b FROM range(3000) t(i)";
  Query({"COPY (" + select + ") TO " + SqlString(v1) + " (FORMAT PARQUET, ROW_GROUP_SIZE 2048)",
         "COPY (" + select + ") TO " + SqlString(v2) +
             " (FORMAT PARQUET, ROW_GROUP_SIZE 2048, COMPRESSION zstd, PARQUET_VERSION V2)"});
  std::mt19937_64 random(42);
  int failures = 0, successes = 0;
  for (const std::string& original_path : {v1, v2}) {
    const std::string original = ReadText(original_path);
    ASSERT_GT(original.size(), 1000u);
    for (int round = 0; round < 600; ++round) {
      std::string bytes = original;
      if (round % 10 == 0) {
        bytes.resize(random() % bytes.size());
      } else {
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits; ++e) {
          // Mostly near the end, where the footer and the last pages are.
          const size_t at = round % 2
                                ? random() % bytes.size()
                                : bytes.size() - 1 - random() % std::min<size_t>(400, bytes.size());
          bytes[at] = static_cast<char>(random());
        }
      }
      const std::string path = dir.File("damaged.parquet");
      WriteText(path, bytes);
      try {
        ScanOptions scan;
        scan.on_bad_rows = round % 3 ? BadRowPolicy::kStop : BadRowPolicy::kSkip;
        Read(path, scan, round % 4 == 0 ? 1 : 1 << 20);
        ++successes;
      } catch (const Error& e) {
        EXPECT_TRUE(e.code() == ErrorCode::kInvalidInput || e.code() == ErrorCode::kIO) << e.what();
        ++failures;
      }
    }
  }
  EXPECT_GT(failures, 100);
}
}  // namespace
}  // namespace outcore
