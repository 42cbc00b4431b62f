// Tests of the part writers. Parquet files are read back by DuckDB (tests/node/query.mjs), an
// independent reader: every value, the column types, the schema annotations, the chunk layout
// and the statistics are compared with what the test wrote.
#include "io/parquet/parquet_writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "io/parquet/encoding.h"
#include "io/parquet/thrift_compact.h"
#include "outcore/error.h"
#include "outcore/part_writer.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using parquet::ParquetTuning;

// ---------------------------------------------------------------------------------------------
// Helpers: a temporary directory, DuckDB through node, columns from optional values.

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "outcore_pq_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the queries in one node process; one JSON result per query. A missing node or DuckDB
// package fails the test (the suite must not pass without its independent reader).
std::vector<json> Query(const std::vector<std::string>& queries) {
  const std::string script = std::string(OUTCORE_SOURCE_DIR) + "/tests/node/query.mjs";
  TempDir dir;
  const std::string stderr_path = dir.File("stderr");
  std::string command = "node " + ShellQuote(script);
  for (const std::string& q : queries) command += " " + ShellQuote(q);
  command += " 2>" + ShellQuote(stderr_path);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed for: " << command;
    return {};
  }
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code != 0) {
    const std::string error = ReadFile(stderr_path);
    const bool missing = code == 127 || error.find("Cannot find") != std::string::npos;
    ADD_FAILURE() << "DuckDB reader failed (exit " << code << "): " << error
                  << (missing ? "\nThe Parquet tests need node and the DuckDB package: "
                                "cd tests/node && npm install --no-audit --no-fund"
                              : "");
    return std::vector<json>(queries.size(), json::object({{"rows", json::array()}}));
  }
  std::vector<json> results;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) results.push_back(json::parse(line));
  EXPECT_EQ(results.size(), queries.size()) << out;
  results.resize(queries.size(), json::object({{"rows", json::array()}}));
  return results;
}

std::string ReadParquet(const std::string& path) {
  return "read_parquet(" + ShellQuote(path) + ", file_row_number=true)";
}

template <typename T>
using Values = std::vector<std::optional<T>>;

// A column holding values [begin, end) of `values`.
template <typename T, typename Store>
ColumnPtr MakeColumn(DataType type, const Values<T>& values, int64_t begin, int64_t end,
                     Store store) {
  auto column = std::make_shared<Column>(type);
  column->length = end - begin;
  if (type == DataType::kString) column->offsets.push_back(0);
  for (int64_t r = begin; r < end; ++r) {
    store(column.get(), values[r] ? *values[r] : T());
  }
  for (int64_t r = begin; r < end; ++r) {
    if (!values[r]) column->SetNull(r - begin);
  }
  return column;
}

ColumnPtr F64Column(const Values<double>& v, int64_t b, int64_t e) {
  return MakeColumn(DataType::kF64, v, b, e, [](Column* c, double x) { c->f64.push_back(x); });
}
ColumnPtr I64Column(DataType type, const Values<int64_t>& v, int64_t b, int64_t e) {
  return MakeColumn(type, v, b, e, [](Column* c, int64_t x) { c->i64.push_back(x); });
}
ColumnPtr BoolColumn(const Values<bool>& v, int64_t b, int64_t e) {
  return MakeColumn(DataType::kBool, v, b, e, [](Column* c, bool x) { c->u8.push_back(x); });
}
ColumnPtr StringColumn(const Values<std::string>& v, int64_t b, int64_t e) {
  return MakeColumn(DataType::kString, v, b, e, [](Column* c, const std::string& x) {
    c->chars += x;
    c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
  });
}
// Codes into `dict`; nulls get code 0.
ColumnPtr CategoryColumn(const Values<std::string>& v, int64_t b, int64_t e, DictionaryPtr dict) {
  return MakeColumn(DataType::kCategory, v, b, e, [&](Column* c, const std::string& x) {
    int32_t code = 0;
    for (size_t k = 0; k < dict->size(); ++k) {
      if ((*dict)[k] == x) code = static_cast<int32_t>(k);
    }
    c->codes.push_back(code);
    c->dict = dict;
  });
}

// Exact comparison of a double printed by JavaScript (shortest round-trip, or NaN/Infinity).
bool SameDouble(const json& got, double want) {
  if (!got.is_string()) return false;
  const double value = std::strtod(got.get<std::string>().c_str(), nullptr);
  if (std::isnan(want)) return std::isnan(value);
  return value == want && std::signbit(value) == std::signbit(want);
}

// ---------------------------------------------------------------------------------------------
// The table every codec/dictionary combination writes: every type, nulls, extreme values.

const std::vector<std::string> kColors = {"red", "green", "blue", "ünïcode", ""};

struct Table {
  int64_t rows = 0;
  Values<double> f;   // specials (±inf, NaN, ±0, extremes) and nulls
  Values<int64_t> i;  // INT64 min/max and nulls
  Values<bool> b;
  Values<int64_t> t;      // timestamps, some before 1970
  Values<std::string> s;  // empty, non-ASCII, quotes; repeats and (in one group) uniques
  Values<std::string> c;  // category values
  Values<double> n;       // all null
  Values<double> g;       // only NaN or null after the first row group
};

Table MakeTable(int64_t rows) {
  Table t;
  t.rows = rows;
  const double specials[] = {INFINITY, -INFINITY, NAN,      -0.0, 0.0,
                             5e-324,   DBL_MAX,   -DBL_MAX, 0.1,  1e300};
  for (int64_t r = 0; r < rows; ++r) {
    std::optional<double> f = r * 0.25 - 300.0;
    if (r % 7 == 3) f.reset();
    if (r % 11 == 0 && r / 11 < 10) f = specials[r / 11];
    if (r == 1500 || r == 2500) f = NAN;
    t.f.push_back(f);

    std::optional<int64_t> i = static_cast<int64_t>((r * 2654435761LL) % 1000003) - 500000;
    if (r % 5 == 4) i.reset();
    if (r == 1) i = std::numeric_limits<int64_t>::min();
    if (r == 2) i = std::numeric_limits<int64_t>::max();
    t.i.push_back(i);

    t.b.push_back(r % 3 == 2 ? std::nullopt : std::optional<bool>((r * 7) % 5 < 2));

    std::optional<int64_t> ts = -2208988800000000LL + r * 86400123457LL;  // from 1900 on
    if (r == 0) ts = -1;
    if (r == 1) ts = 0;
    if (r == 2) ts = -62135596800000000LL;  // 0001-01-01
    if (r == 3) ts = 253402300799999999LL;  // 9999-12-31 23:59:59.999999
    if (r % 6 == 5) ts.reset();
    t.t.push_back(ts);

    std::optional<std::string> s = "v" + std::to_string(r % 37);
    if (r >= 1024 && r < 2048) s = "u" + std::to_string(r);
    if (r == 0) s = "";
    if (r == 1) s = "h\xc3\xa9llo w\xc3\xb6rld";                              // héllo wörld
    if (r == 2) s = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x8e\x89";  // 日本語 🎉
    if (r == 4) s = "a,b\"c\nd";
    if (r % 4 == 3) s.reset();
    t.s.push_back(s);

    t.c.push_back(r % 9 == 8 ? std::nullopt
                             : std::optional<std::string>(kColors[(r / 3) % kColors.size()]));
    t.n.push_back(std::nullopt);

    std::optional<double> g = r < 1024 && r % 2 == 0 ? static_cast<double>(r) : NAN;
    if (r % 10 == 1) g.reset();
    t.g.push_back(g);
  }
  return t;
}

const Schema kTableSchema({{"f", DataType::kF64},
                           {"i", DataType::kI64},
                           {"b", DataType::kBool},
                           {"t", DataType::kTimestamp},
                           {"s", DataType::kString},
                           {"c", DataType::kCategory},
                           {"n", DataType::kF64},
                           {"g", DataType::kF64}});

Batch TableBatch(const Table& t, int64_t begin, int64_t end, DictionaryPtr colors) {
  Batch batch;
  batch.num_rows = end - begin;
  batch.Add("f", F64Column(t.f, begin, end));
  batch.Add("i", I64Column(DataType::kI64, t.i, begin, end));
  batch.Add("b", BoolColumn(t.b, begin, end));
  batch.Add("t", I64Column(DataType::kTimestamp, t.t, begin, end));
  batch.Add("s", StringColumn(t.s, begin, end));
  batch.Add("c", CategoryColumn(t.c, begin, end, colors));
  batch.Add("n", F64Column(t.n, begin, end));
  batch.Add("g", F64Column(t.g, begin, end));
  return batch;
}

// Writes the table in uneven batches (one empty, one of a single row), so that batch, page and
// row-group boundaries all fall in different places. The last batches use another dictionary
// object with the categories in another order.
int64_t WriteTable(const std::string& path, const Table& t, const WriterOptions& options,
                   const ParquetTuning& tuning) {
  auto colors = std::make_shared<Dictionary>(kColors);
  auto reversed = std::make_shared<Dictionary>(kColors.rbegin(), kColors.rend());
  auto writer = parquet::OpenParquetWriter(path, kTableSchema, options, tuning);
  const int64_t cuts[] = {0, 1000, 1000, 1001, 2600, t.rows};
  for (size_t k = 0; k + 1 < std::size(cuts); ++k) {
    writer->Write(TableBatch(t, cuts[k], cuts[k + 1], k < 3 ? colors : reversed));
  }
  return writer->Finish();
}

// Bounds of rows [begin, end) of a column as its statistics should state them.
template <typename T>
struct Bounds {
  int64_t nulls = 0;
  std::optional<T> min, max;
};

template <typename T>
Bounds<T> ExpectedBounds(const Values<T>& v, int64_t begin, int64_t end) {
  Bounds<T> bounds;
  for (int64_t r = begin; r < end; ++r) {
    if (!v[r]) {
      ++bounds.nulls;
      continue;
    }
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(*v[r])) continue;
    }
    if (!bounds.min || *v[r] < *bounds.min) bounds.min = v[r];
    if (!bounds.max || *bounds.max < *v[r]) bounds.max = v[r];
  }
  if constexpr (std::is_floating_point_v<T>) {
    // The spec's rule for zeros, then DuckDB's habit of showing infinite bounds as NULL.
    if (bounds.min && *bounds.min == 0) bounds.min = -0.0;
    if (bounds.max && *bounds.max == 0) bounds.max = 0.0;
    if (bounds.min && std::isinf(*bounds.min)) bounds.min.reset();
    if (bounds.max && std::isinf(*bounds.max)) bounds.max.reset();
  }
  return bounds;
}

// Value checks: one per type, each naming the cell on failure.
void ExpectDouble(const json& got, const std::optional<double>& want, const std::string& where) {
  if (!want) {
    EXPECT_TRUE(got.is_null()) << where << ": " << got;
  } else {
    EXPECT_TRUE(SameDouble(got, *want)) << where << ": got " << got << ", want " << *want;
  }
}
void ExpectInt(const json& got, const std::optional<int64_t>& want, const std::string& where) {
  if (!want) {
    EXPECT_TRUE(got.is_null()) << where << ": " << got;
  } else {
    EXPECT_EQ(got, json(std::to_string(*want))) << where;
  }
}
// DuckDB drops trailing zeros of the fraction ("...:02.96358"); FormatTimestamp keeps six.
void ExpectTimestamp(const json& got, const std::optional<int64_t>& want,
                     const std::string& where) {
  if (!want) {
    EXPECT_TRUE(got.is_null()) << where << ": " << got;
    return;
  }
  ASSERT_TRUE(got.is_string()) << where << ": " << got;
  std::string text = got.get<std::string>();
  const size_t dot = text.find('.');
  if (dot != std::string::npos) text.append(6 - (text.size() - dot - 1), '0');
  EXPECT_EQ(text, FormatTimestamp(*want)) << where;
}
void ExpectBool(const json& got, const std::optional<bool>& want, const std::string& where) {
  EXPECT_EQ(got, want ? json(*want) : json(nullptr)) << where;
}
void ExpectString(const json& got, const std::optional<std::string>& want,
                  const std::string& where) {
  EXPECT_EQ(got, want ? json(*want) : json(nullptr)) << where;
}

std::string CodecName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "UNCOMPRESSED";
    case Compression::kSnappy:
      return "SNAPPY";
    case Compression::kZstd:
      return "ZSTD";
  }
  return "?";
}

// Every chunk starts where the previous one ended, the first right after the magic, the last
// right before the footer: the sizes and offsets in the metadata describe the file exactly.
void ExpectContiguousChunks(const std::string& path, const json& chunks) {
  const std::string bytes = ReadFile(path);
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(bytes.substr(0, 4), "PAR1");
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "PAR1");
  uint32_t footer_size;
  std::memcpy(&footer_size, bytes.data() + bytes.size() - 8, 4);
  const int64_t footer_start = static_cast<int64_t>(bytes.size()) - 8 - footer_size;
  int64_t expected_start = 4;
  for (const json& row : chunks) {
    // Columns: dictionary_page_offset, data_page_offset, total_compressed_size.
    const int64_t data = std::stoll(row[1].get<std::string>());
    int64_t start = data;
    if (!row[0].is_null()) {
      start = std::stoll(row[0].get<std::string>());
      EXPECT_LT(start, data);
    }
    EXPECT_EQ(start, expected_start) << row;
    expected_start = start + std::stoll(row[2].get<std::string>());
  }
  EXPECT_EQ(expected_start, footer_start);
}

// ---------------------------------------------------------------------------------------------
// Parquet round trips through DuckDB.

struct RoundTripCase {
  Compression compression;
  bool dictionary;
};

class ParquetRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(ParquetRoundTrip, DuckDbReadsBackEveryValueTypeAndStatistic) {
  const RoundTripCase param = GetParam();
  const Table table = MakeTable(3000);
  const int64_t group_rows = 1024;
  TempDir dir;
  const std::string path = dir.File("table.parquet");
  WriterOptions options;
  options.compression = param.compression;
  options.dictionary = param.dictionary;
  options.row_group_rows = group_rows;
  ParquetTuning tuning;
  tuning.page_size = 512;  // many pages per chunk
  tuning.max_page_rows = 300;
  ASSERT_EQ(WriteTable(path, table, options, tuning), table.rows);

  const std::string src = ReadParquet(path);
  const std::string meta = "parquet_metadata(" + ShellQuote(path) + ")";
  auto stats = [&](const std::string& column, const std::string& type) {
    return "SELECT stats_null_count, stats_min_value::" + type + ", stats_max_value::" + type +
           ", stats_min::" + type + ", stats_max::" + type + " FROM " + meta +
           " WHERE path_in_schema = '" + column + "' ORDER BY row_group_id";
  };
  const std::vector<json> results = Query({
      "SELECT f, i, b, t, s, c, n, g FROM " + src + " ORDER BY file_row_number",
      "DESCRIBE SELECT * FROM read_parquet(" + ShellQuote(path) + ")",
      "SELECT name, type, repetition_type, converted_type, logical_type FROM parquet_schema(" +
          ShellQuote(path) + ") ORDER BY column_id",
      "SELECT created_by, num_rows, num_row_groups FROM parquet_file_metadata(" + ShellQuote(path) +
          ")",
      "SELECT row_group_id, path_in_schema, row_group_num_rows, num_values, compression, "
      "encodings, total_compressed_size, total_uncompressed_size FROM " +
          meta + " ORDER BY row_group_id, column_id",
      "SELECT dictionary_page_offset, data_page_offset, total_compressed_size FROM " + meta +
          " ORDER BY row_group_id, column_id",
      stats("f", "DOUBLE"),
      stats("i", "BIGINT"),
      stats("b", "BOOLEAN"),
      stats("t", "TIMESTAMP"),
      stats("s", "VARCHAR"),
      stats("c", "VARCHAR"),
      stats("n", "DOUBLE"),
      stats("g", "DOUBLE"),
  });

  // Every value.
  const json& rows = results[0]["rows"];
  ASSERT_EQ(rows.size(), static_cast<size_t>(table.rows));
  for (int64_t r = 0; r < table.rows; ++r) {
    const json& row = rows[r];
    const std::string at = " at row " + std::to_string(r);
    ExpectDouble(row[0], table.f[r], "f" + at);
    ExpectInt(row[1], table.i[r], "i" + at);
    ExpectBool(row[2], table.b[r], "b" + at);
    ExpectTimestamp(row[3], table.t[r], "t" + at);
    ExpectString(row[4], table.s[r], "s" + at);
    ExpectString(row[5], table.c[r], "c" + at);
    ExpectDouble(row[6], table.n[r], "n" + at);
    ExpectDouble(row[7], table.g[r], "g" + at);
  }

  // Types as DuckDB sees them, and the annotations behind them.
  const std::map<std::string, std::string> duck_types = {
      {"f", "DOUBLE"},  {"i", "BIGINT"},  {"b", "BOOLEAN"}, {"t", "TIMESTAMP"},
      {"s", "VARCHAR"}, {"c", "VARCHAR"}, {"n", "DOUBLE"},  {"g", "DOUBLE"}};
  ASSERT_EQ(results[1]["rows"].size(), duck_types.size());
  for (const json& row : results[1]["rows"]) {
    EXPECT_EQ(row[1], duck_types.at(row[0].get<std::string>())) << row;
  }
  const json& schema = results[2]["rows"];
  ASSERT_EQ(schema.size(), 9u);
  EXPECT_EQ(schema[0][0], "schema");
  const std::vector<std::vector<json>> leaves = {
      {"f", "DOUBLE", "OPTIONAL", nullptr},    {"i", "INT64", "OPTIONAL", nullptr},
      {"b", "BOOLEAN", "OPTIONAL", nullptr},   {"t", "INT64", "OPTIONAL", "TIMESTAMP_MICROS"},
      {"s", "BYTE_ARRAY", "OPTIONAL", "UTF8"}, {"c", "BYTE_ARRAY", "OPTIONAL", "UTF8"},
      {"n", "DOUBLE", "OPTIONAL", nullptr},    {"g", "DOUBLE", "OPTIONAL", nullptr}};
  for (size_t k = 0; k < leaves.size(); ++k) {
    for (size_t field = 0; field < 4; ++field) {
      EXPECT_EQ(schema[k + 1][field], leaves[k][field]) << schema[k + 1];
    }
  }
  EXPECT_EQ(schema[4][4],
            "TimestampType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=<null>, "
            "MICROS=MicroSeconds(), NANOS=<null>))");
  EXPECT_EQ(schema[5][4], "StringType()");
  EXPECT_EQ(schema[6][4], "StringType()");

  const json& file = results[3]["rows"][0];
  EXPECT_EQ(file[0], "outcore version " OUTCORE_VERSION);
  EXPECT_EQ(file[1], std::to_string(table.rows));
  EXPECT_EQ(file[2], "3");

  // Chunks: rows, codec, encodings, sizes.
  const json& chunks = results[4]["rows"];
  ASSERT_EQ(chunks.size(), 3u * 8u);
  for (const json& chunk : chunks) {
    const int64_t group = std::stoll(chunk[0].get<std::string>());
    const int64_t group_size = std::min(group_rows, table.rows - group * group_rows);
    const std::string column = chunk[1];
    EXPECT_EQ(chunk[2], std::to_string(group_size));
    EXPECT_EQ(chunk[3], std::to_string(group_size));
    EXPECT_EQ(chunk[4], CodecName(param.compression));
    const bool dictionary = param.dictionary && (column == "s" || column == "c");
    EXPECT_EQ(chunk[5], dictionary ? "PLAIN, RLE, RLE_DICTIONARY" : "PLAIN, RLE") << chunk;
    if (param.compression == Compression::kNone) EXPECT_EQ(chunk[6], chunk[7]);
  }
  const json& offsets = results[5]["rows"];
  ASSERT_EQ(offsets.size(), chunks.size());
  for (size_t k = 0; k < chunks.size(); ++k) {
    const bool dictionary = param.dictionary && (chunks[k][1] == "s" || chunks[k][1] == "c");
    EXPECT_EQ(!offsets[k][0].is_null(), dictionary) << chunks[k];
  }
  ExpectContiguousChunks(path, results[5]["rows"]);

  // Statistics of each chunk, against bounds computed here. Deprecated min/max are only for
  // the types whose order is signed.
  auto expect_stats = [&](const json& result, const auto& values, auto expect_value,
                          bool signed_order, const std::string& column) {
    const json& groups = result["rows"];
    ASSERT_EQ(groups.size(), 3u) << column;
    for (int64_t g = 0; g < 3; ++g) {
      const auto want =
          ExpectedBounds(values, g * group_rows, std::min(table.rows, (g + 1) * group_rows));
      const std::string where = column + " stats of row group " + std::to_string(g);
      EXPECT_EQ(groups[g][0], std::to_string(want.nulls)) << where;
      expect_value(groups[g][1], want.min, where + " min_value");
      expect_value(groups[g][2], want.max, where + " max_value");
      if (signed_order) {
        expect_value(groups[g][3], want.min, where + " min");
        expect_value(groups[g][4], want.max, where + " max");
      } else {
        EXPECT_TRUE(groups[g][3].is_null() && groups[g][4].is_null()) << where;
      }
    }
  };
  expect_stats(results[6], table.f, ExpectDouble, true, "f");
  expect_stats(results[7], table.i, ExpectInt, true, "i");
  expect_stats(results[8], table.b, ExpectBool, true, "b");
  expect_stats(results[9], table.t, ExpectTimestamp, true, "t");
  expect_stats(results[10], table.s, ExpectString, false, "s");
  expect_stats(results[11], table.c, ExpectString, false, "c");
  expect_stats(results[12], table.n, ExpectDouble, true, "n");
  expect_stats(results[13], table.g, ExpectDouble, true, "g");
}

INSTANTIATE_TEST_SUITE_P(CodecsAndEncodings, ParquetRoundTrip,
                         ::testing::Values(RoundTripCase{Compression::kZstd, true},
                                           RoundTripCase{Compression::kZstd, false},
                                           RoundTripCase{Compression::kSnappy, true},
                                           RoundTripCase{Compression::kSnappy, false},
                                           RoundTripCase{Compression::kNone, true},
                                           RoundTripCase{Compression::kNone, false}),
                         [](const ::testing::TestParamInfo<RoundTripCase>& info) {
                           return CodecName(info.param.compression) +
                                  (info.param.dictionary ? "_dictionary" : "_plain");
                         });

// Default page and dictionary sizes on a bigger file: several 1 MB pages per chunk, and a
// column of unique strings whose dictionary passes 1 MB, so it falls back to PLAIN midway
// through the first row group and stays PLAIN in the next ones.
TEST(ParquetWriter, DefaultSizesAndDictionaryFallbackOnALargerFile) {
  const int64_t rows = 300000;
  TempDir dir;
  const std::string path = dir.File("large.parquet");
  Values<int64_t> id;
  Values<double> pred;
  Values<std::string> key, unique;
  for (int64_t r = 0; r < rows; ++r) {
    id.push_back(r);
    pred.push_back(static_cast<double>(r) * 0.001);
    key.push_back("k" + std::to_string(r % 1000));
    unique.push_back("row-" + std::to_string(r));
  }
  Schema schema({{"id", DataType::kI64},
                 {"pred", DataType::kF64},
                 {"key", DataType::kString},
                 {"uniq", DataType::kString}});
  WriterOptions options;
  options.row_group_rows = 131072;
  auto writer = OpenPartWriter(path, OutputFormat::kParquet, schema, options);
  for (int64_t begin = 0; begin < rows; begin += 65536) {
    const int64_t end = std::min(rows, begin + 65536);
    Batch batch;
    batch.num_rows = end - begin;
    batch.Add("id", I64Column(DataType::kI64, id, begin, end));
    batch.Add("pred", F64Column(pred, begin, end));
    batch.Add("key", StringColumn(key, begin, end));
    batch.Add("uniq", StringColumn(unique, begin, end));
    writer->Write(batch);
  }
  ASSERT_EQ(writer->Finish(), rows);

  const std::string src = ReadParquet(path);
  const std::string meta = "parquet_metadata(" + ShellQuote(path) + ")";
  const std::vector<json> results = Query({
      // Every row checked in one pass, with values recomputed by DuckDB as they were here.
      "SELECT count(*), count(*) FILTER (WHERE id = file_row_number AND "
      "pred = CAST(file_row_number AS DOUBLE) * CAST(0.001 AS DOUBLE) AND "
      "key = 'k' || (file_row_number % 1000) AND uniq = 'row-' || file_row_number) FROM " +
          src,
      "SELECT row_group_id, path_in_schema, encodings, dictionary_page_offset IS NOT NULL, "
      "stats_min_value, stats_max_value FROM " +
          meta + " ORDER BY row_group_id, column_id",
      "SELECT dictionary_page_offset, data_page_offset, total_compressed_size FROM " + meta +
          " ORDER BY row_group_id, column_id",
  });
  ASSERT_EQ(results[0]["rows"].size(), 1u);
  EXPECT_EQ(results[0]["rows"][0][0], std::to_string(rows));
  EXPECT_EQ(results[0]["rows"][0][1], std::to_string(rows));

  const json& chunks = results[1]["rows"];
  ASSERT_EQ(chunks.size(), 3u * 4u);
  for (const json& chunk : chunks) {
    const int64_t group = std::stoll(chunk[0].get<std::string>());
    const std::string column = chunk[1];
    if (column == "key") {
      EXPECT_EQ(chunk[2], "PLAIN, RLE, RLE_DICTIONARY");
      EXPECT_EQ(chunk[3], true);
      EXPECT_EQ(chunk[4], "k0");
      EXPECT_EQ(chunk[5], "k999");
    } else if (column == "uniq") {
      EXPECT_EQ(chunk[2], group == 0 ? "PLAIN, RLE, RLE_DICTIONARY" : "PLAIN, RLE") << chunk;
      EXPECT_EQ(chunk[3], group == 0) << chunk;
      // Byte order, not numeric order: "row-99999" > "row-131071".
      const int64_t first = group * 131072, last = std::min(rows, first + 131072) - 1;
      std::string lo = "row-" + std::to_string(first), hi = lo;
      for (int64_t r = first; r <= last; ++r) {
        lo = std::min(lo, *unique[r]);
        hi = std::max(hi, *unique[r]);
      }
      EXPECT_EQ(chunk[4], lo);
      EXPECT_EQ(chunk[5], hi);
    } else {
      EXPECT_EQ(chunk[2], "PLAIN, RLE");
      EXPECT_EQ(chunk[3], false);
    }
  }
  ExpectContiguousChunks(path, results[2]["rows"]);
}

TEST(ParquetWriter, EmptyFileHasSchemaAndNoRowGroups) {
  TempDir dir;
  const std::string path = dir.File("empty.parquet");
  auto writer = OpenPartWriter(path, OutputFormat::kParquet, kTableSchema, WriterOptions());
  EXPECT_EQ(writer->Finish(), 0);
  const std::vector<json> results = Query({
      "SELECT count(*) FROM read_parquet(" + ShellQuote(path) + ")",
      "DESCRIBE SELECT * FROM read_parquet(" + ShellQuote(path) + ")",
      "SELECT num_rows, num_row_groups FROM parquet_file_metadata(" + ShellQuote(path) + ")",
  });
  EXPECT_EQ(results[0]["rows"], json::parse(R"([["0"]])"));
  EXPECT_EQ(results[1]["rows"].size(), 8u);
  EXPECT_EQ(results[2]["rows"], json::parse(R"([["0", "0"]])"));
}

// A category column whose dictionary has a single value: dictionary indices of bit width 1,
// and a column with REQUIRED-like data (never null) next to it.
TEST(ParquetWriter, SingleValueCategoryAndLongRuns) {
  TempDir dir;
  const std::string path = dir.File("runs.parquet");
  const int64_t rows = 5000;
  Values<std::string> cat(rows, std::string("only"));
  Values<bool> flag;
  for (int64_t r = 0; r < rows; ++r) flag.push_back(r < 2000);
  Schema schema({{"cat", DataType::kCategory}, {"flag", DataType::kBool}});
  auto writer = OpenPartWriter(path, OutputFormat::kParquet, schema, WriterOptions());
  Batch batch;
  batch.num_rows = rows;
  batch.Add("cat", CategoryColumn(cat, 0, rows, std::make_shared<Dictionary>(Dictionary{"only"})));
  batch.Add("flag", BoolColumn(flag, 0, rows));
  writer->Write(batch);
  ASSERT_EQ(writer->Finish(), rows);
  const std::vector<json> results = Query({
      "SELECT cat, flag, count(*) FROM read_parquet(" + ShellQuote(path) +
          ") GROUP BY ALL ORDER BY ALL",
  });
  EXPECT_EQ(results[0]["rows"],
            json::parse(R"([["only", false, "3000"], ["only", true, "2000"]])"));
}

// ---------------------------------------------------------------------------------------------
// Encoders, against examples worked by hand from the specifications.

TEST(ThriftCompact, EncodesFieldsStructsAndLists) {
  std::string out;
  parquet::CompactWriter w(&out);
  w.I32(1, 5);                                    // short form, delta 1: 0x15, zigzag 10
  w.I64(3, -1);                                   // delta 2: 0x26, zigzag 1
  w.Binary(20, "ab");                             // delta 17: long form 0x08, zigzag(20) = 40
  w.BeginStruct(21);                              // delta 1: 0x1c
  w.Bool(1, true);                                // 0x11
  w.EndStruct();                                  // 0x00
  w.BeginList(22, parquet::ThriftType::kI32, 3);  // 0x19, then size 3 / type 5: 0x35
  w.ListI32(1);
  w.ListI32(-1);
  w.ListI32(300);                                     // zigzag 600 = 0xd8 0x04
  w.BeginList(23, parquet::ThriftType::kBinary, 20);  // 0x19, long form 0xf8, varint 20
  for (int k = 0; k < 20; ++k) w.ListBinary("");
  w.I16(24, 7);  // 0x14, zigzag 14
  w.End();
  const char head[] =
      "\x15\x0a\x26\x01\x08\x28\x02"
      "ab\x1c\x11\x00\x19\x35\x02\x01\xd8\x04\x19\xf8\x14";
  std::string want(head, sizeof head - 1);
  want.append(20, '\0');
  want += "\x14\x0e";
  want.push_back('\0');
  EXPECT_EQ(out, want);
}

TEST(RleHybrid, EncodesRunsAndBitPackedGroups) {
  std::string out;
  const std::vector<uint32_t> run(10, 1);
  parquet::AppendRleHybrid(run.data(), run.size(), 1, &out);
  EXPECT_EQ(out, std::string("\x14\x01"));  // (10 << 1), value 1 in one byte

  // The spec's example: 0..7 with bit width 3 packs to 10001000 11000110 11111010.
  out.clear();
  const std::vector<uint32_t> ramp = {0, 1, 2, 3, 4, 5, 6, 7};
  parquet::AppendRleHybrid(ramp.data(), ramp.size(), 3, &out);
  EXPECT_EQ(out, std::string("\x03\x88\xc6\xfa"));

  // A short literal run is padded to a group of 8; then a long run follows.
  out.clear();
  std::vector<uint8_t> levels = {1, 0, 1};
  levels.insert(levels.end(), 8, 1);  // starts inside the first group: packed with it
  levels.insert(levels.end(), 20, 0);
  parquet::AppendRleHybrid(levels.data(), levels.size(), 1, &out);
  // Group 1: 1,0,1,1,1,1,1,1 -> 0xfd; group 2: 1,1,1,0,0,0,0,0 -> 0x07; then RLE of 15 zeros.
  EXPECT_EQ(out, std::string("\x05\xfd\x07\x1e\x00", 5));

  // Values of a 9-bit width take two bytes in an RLE run.
  out.clear();
  const std::vector<uint32_t> wide(9, 300);
  parquet::AppendRleHybrid(wide.data(), wide.size(), 9, &out);
  EXPECT_EQ(out, std::string("\x12\x2c\x01"));
}

TEST(PlainEncoding, PacksBooleansLeastSignificantBitFirst) {
  std::string out;
  const std::vector<uint8_t> bools = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  parquet::AppendPackedBools(bools.data(), bools.size(), &out);
  EXPECT_EQ(out, std::string("\x0d\x01"));
}

TEST(StringDictionary, KeepsFirstAppearanceOrderThroughGrowth) {
  parquet::StringDictionary dict;
  for (int k = 0; k < 5000; ++k) EXPECT_EQ(dict.Insert("s" + std::to_string(k)), k);
  for (int k = 0; k < 5000; ++k) EXPECT_EQ(dict.Insert("s" + std::to_string(k)), k);
  EXPECT_EQ(dict.Insert(""), 5000);
  EXPECT_EQ(dict.at(1234), "s1234");
  EXPECT_EQ(dict.at(5000), "");
}

// ---------------------------------------------------------------------------------------------
// CSV.

TEST(CsvWriter, WritesHeaderQuotingNullsAndShortestNumbers) {
  TempDir dir;
  const std::string path = dir.File("out.csv");
  Schema schema({{"f", DataType::kF64},
                 {"i", DataType::kI64},
                 {"b", DataType::kBool},
                 {"t", DataType::kTimestamp},
                 {"s", DataType::kString},
                 {"c", DataType::kCategory},
                 {"odd,name", DataType::kF64}});
  const Values<double> f = {0.1, -0.0, 1e21, NAN, INFINITY, std::nullopt, 1.0 / 3};
  const Values<int64_t> i = {0, -1, std::numeric_limits<int64_t>::min(), 7, std::nullopt, 8, 9};
  const Values<bool> b = {true, false, std::nullopt, true, true, false, true};
  const Values<int64_t> t = {0, -1, 1700000000123456, std::nullopt, 1, 2, 86400000000};
  const Values<std::string> s = {"plain",      "",           "a,b",      "say \"hi\"",
                                 "two\nlines", std::nullopt, "h\xc3\xa9"};
  const Values<std::string> c = {"x", "y", std::nullopt, "x", "y", "x", "y"};
  const Values<double> o = {1, 2, 3, 4, 5, 6, 7};
  auto writer = OpenPartWriter(path, OutputFormat::kCsv, schema, WriterOptions());
  for (int64_t begin : {0, 3}) {
    const int64_t end = begin == 0 ? 3 : 7;
    Batch batch;
    batch.num_rows = end - begin;
    batch.Add("f", F64Column(f, begin, end));
    batch.Add("i", I64Column(DataType::kI64, i, begin, end));
    batch.Add("b", BoolColumn(b, begin, end));
    batch.Add("t", I64Column(DataType::kTimestamp, t, begin, end));
    batch.Add("s", StringColumn(s, begin, end));
    batch.Add("c",
              CategoryColumn(c, begin, end, std::make_shared<Dictionary>(Dictionary{"x", "y"})));
    batch.Add("odd,name", F64Column(o, begin, end));
    writer->Write(batch);
  }
  EXPECT_EQ(writer->Finish(), 7);
  EXPECT_EQ(ReadFile(path),
            "f,i,b,t,s,c,\"odd,name\"\n"
            "0.1,0,true,1970-01-01 00:00:00,plain,x,1\n"
            "-0,-1,false,1969-12-31 23:59:59.999999,\"\",y,2\n"
            "1e+21,-9223372036854775808,,2023-11-14 22:13:20.123456,\"a,b\",,3\n"
            "nan,7,true,,\"say \"\"hi\"\"\",x,4\n"
            "inf,,true,1970-01-01 00:00:00.000001,\"two\nlines\",y,5\n"
            ",8,false,1970-01-01 00:00:00.000002,,x,6\n"
            "0.3333333333333333,9,true,1970-01-02 00:00:00,h\xc3\xa9,y,7\n");
}

// The CSV writer formats timestamps itself (for speed); it must match FormatTimestamp.
TEST(CsvWriter, TimestampsMatchFormatTimestamp) {
  TempDir dir;
  const std::string path = dir.File("ts.csv");
  Values<int64_t> t = {0,
                       -1,
                       1,
                       -86400000000,
                       -86400000001,
                       951782400000000 /* 2000-02-29 */,
                       -62135596800000000 /* 0001-01-01 */,
                       253402300799999999,
                       -62167219200000000,
                       -62167219200000001 /* year -1 */,
                       253402300800000000 /* year 10000 */};
  uint64_t state = 42;
  for (int k = 0; k < 20000; ++k) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t span = 253402300799999999LL + 62135596800000000LL;
    t.push_back(-62135596800000000LL + static_cast<int64_t>((state >> 1) % span));
    if (k % 4 == 0) *t.back() -= *t.back() % 1000000;  // whole seconds: no fraction
  }
  auto writer = OpenPartWriter(path, OutputFormat::kCsv, Schema({{"t", DataType::kTimestamp}}),
                               WriterOptions());
  Batch batch;
  batch.num_rows = static_cast<int64_t>(t.size());
  batch.Add("t", I64Column(DataType::kTimestamp, t, 0, batch.num_rows));
  writer->Write(batch);
  writer->Finish();
  std::string want = "t\n";
  for (const auto& micros : t) want += FormatTimestamp(*micros) + "\n";
  EXPECT_EQ(ReadFile(path), want);
}

TEST(CsvWriter, QuotesTheConfiguredDelimiter) {
  TempDir dir;
  const std::string path = dir.File("out.csv");
  WriterOptions options;
  options.delimiter = ';';
  Schema schema({{"s", DataType::kString}});
  auto writer = OpenPartWriter(path, OutputFormat::kCsv, schema, options);
  Batch batch;
  batch.num_rows = 2;
  batch.Add("s", StringColumn({"a;b", "a,b"}, 0, 2));
  writer->Write(batch);
  EXPECT_EQ(writer->Finish(), 2);
  EXPECT_EQ(ReadFile(path), "s\n\"a;b\"\na,b\n");
}

// ---------------------------------------------------------------------------------------------
// Failures.

Batch OneDoubleBatch(int64_t rows) {
  Values<double> v;
  for (int64_t r = 0; r < rows; ++r) v.push_back(std::sin(static_cast<double>(r)));
  Batch batch;
  batch.num_rows = rows;
  batch.Add("x", F64Column(v, 0, rows));
  return batch;
}

// Expects `run` to throw Error(kIO) whose message names the path and the system's reason.
template <typename F>
void ExpectIoError(F run, const std::string& expected_message) {
  try {
    run();
    ADD_FAILURE() << "no error; expected: " << expected_message;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIO) << e.what();
    EXPECT_EQ(std::string(e.what()), expected_message);
  }
}

TEST(PartWriterErrors, WritingToAFullDeviceFailsWithThePath) {
  const Schema schema({{"x", DataType::kF64}});
  for (OutputFormat format : {OutputFormat::kParquet, OutputFormat::kCsv}) {
    SCOPED_TRACE(FormatExtension(format));
    ExpectIoError(
        [&] {
          auto writer = OpenPartWriter("/dev/full", format, schema, WriterOptions());
          writer->Write(OneDoubleBatch(1000));
          writer->Finish();
        },
        "/dev/full: write failed: No space left on device");
  }
}

TEST(PartWriterErrors, ExceedingTheFileSizeLimitFailsWithEfbig) {
  TempDir dir;
  const std::string path = dir.File("big.parquet");
  rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit limited = saved;
  limited.rlim_cur = 100000;
  auto old_handler = signal(SIGXFSZ, SIG_IGN);  // else the kernel kills the process
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  ExpectIoError(
      [&] {
        WriterOptions options;
        options.compression = Compression::kNone;
        auto writer =
            OpenPartWriter(path, OutputFormat::kParquet, Schema({{"x", DataType::kF64}}), options);
        writer->Write(OneDoubleBatch(200000));
        writer->Finish();
      },
      path + ": write failed: File too large");
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, old_handler);
}

TEST(PartWriterErrors, OpeningInAMissingDirectoryFails) {
  ExpectIoError(
      [] {
        OpenPartWriter("/nonexistent-dir/part.parquet", OutputFormat::kParquet,
                       Schema({{"x", DataType::kF64}}), WriterOptions());
      },
      "/nonexistent-dir/part.parquet: open for writing failed: No such file or directory");
}

TEST(PartWriterErrors, RejectsABatchOfAnotherSchema) {
  TempDir dir;
  for (OutputFormat format : {OutputFormat::kParquet, OutputFormat::kCsv}) {
    auto writer = OpenPartWriter(dir.File(std::string("p") + FormatExtension(format)), format,
                                 Schema({{"x", DataType::kI64}}), WriterOptions());
    try {
      writer->Write(OneDoubleBatch(3));
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kSchema);
      EXPECT_NE(std::string(e.what()).find("'x' (float), expected 'x' (int)"), std::string::npos)
          << e.what();
    }
  }
}

TEST(PartWriter, DestroyedWithoutFinishJustCloses) {
  TempDir dir;
  const std::string path = dir.File("abandoned.parquet");
  {
    auto writer = OpenPartWriter(path, OutputFormat::kParquet, Schema({{"x", DataType::kF64}}),
                                 WriterOptions());
    writer->Write(OneDoubleBatch(10));
  }
  EXPECT_TRUE(fs::exists(path));  // the caller deletes its temporary files
  auto writer = OpenPartWriter(path, OutputFormat::kParquet, Schema({{"x", DataType::kF64}}),
                               WriterOptions());
  EXPECT_EQ(writer->Finish(), 0);
  EXPECT_THROW(writer->Write(OneDoubleBatch(1)), Error);
}

TEST(PartWriter, FormatExtensions) {
  EXPECT_STREQ(FormatExtension(OutputFormat::kParquet), ".parquet");
  EXPECT_STREQ(FormatExtension(OutputFormat::kCsv), ".csv");
}

}  // namespace
}  // namespace outcore
