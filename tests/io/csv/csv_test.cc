// Tests of the CSV source: RFC 4180 parsing, types, inference, projection, bad rows, split
// planning and parallel reading.
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "io/convert.h"
#include "io/csv/csv_reader.h"
#include "outcore/error.h"
#include "outcore/source.h"
#include "outcore/part_writer.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;
using csv::CsvTuning;

constexpr char kNull[] = "<null>";
// The second line of the message when a bad row stops a read.
constexpr char kHint[] =
    "\n  (to drop bad rows and go on: --on-bad-rows skip, or --on-bad-rows reject=FILE to list "
    "them)";

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("outcore_csv_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string path = (path_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// Rows rendered as text, for easy comparison.
struct Table {
  Schema schema;
  std::vector<std::vector<std::string>> rows;
};

void AppendBatch(const Batch& batch, Table* table) {
  if (table->schema.size() == 0) table->schema = batch.schema;
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    std::vector<std::string> row;
    for (const ColumnPtr& column : batch.columns)
      row.push_back(column->IsNull(r) ? kNull : column->ToString(r));
    table->rows.push_back(std::move(row));
  }
}

Table ReadSplit(Source& source, const Split& split, const ScanOptions& scan,
                ReadStats* stats = nullptr) {
  Table table;
  std::unique_ptr<SplitReader> reader = source.Open(split, scan);
  Batch batch;
  while (reader->Next(&batch)) {
    EXPECT_GT(batch.num_rows, 0);
    EXPECT_LE(batch.num_rows, scan.batch_rows);
    for (const ColumnPtr& column : batch.columns) EXPECT_EQ(column->length, batch.num_rows);
    AppendBatch(batch, &table);
  }
  if (stats) *stats = reader->stats();
  return table;
}

// Reads a file in one split (serial).
Table ReadCsv(const std::string& path, const ReadOptions& options = {},
              const ScanOptions& scan = {}, ReadStats* stats = nullptr,
              const CsvTuning& tuning = {}) {
  std::unique_ptr<Source> source = csv::MakeCsvSource(options, tuning);
  std::vector<Split> splits = source->Plan({path}, 0);
  EXPECT_EQ(splits.size(), 1u);
  return ReadSplit(*source, splits.at(0), scan, stats);
}

// Runs fn, expecting an outcore::Error; returns its message (and checks its code).
std::string ErrorOf(const std::function<void()>& fn, ErrorCode code = ErrorCode::kInvalidInput) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

Schema Columns(std::vector<Field> fields) { return Schema(std::move(fields)); }

ScanOptions Scan(std::vector<Field> fields, BadRowPolicy policy = BadRowPolicy::kStop) {
  ScanOptions scan;
  scan.columns = Schema(std::move(fields));
  scan.on_bad_rows = policy;
  return scan;
}

using Rows = std::vector<std::vector<std::string>>;

// ---------------------------------------------------------------- RFC 4180 and layout

TEST(CsvRfc4180, QuotedDelimiterDoubledQuoteAndNewline) {
  TempDir dir;
  const std::string path =
      dir.Write("a.csv", "id,text\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,plain\n");
  Table t = ReadCsv(path);
  EXPECT_EQ(t.rows, (Rows{{"1", "a,b"}, {"2", "say \"hi\""}, {"3", "two\nlines"}, {"4", "plain"}}));
  EXPECT_EQ(t.schema, Columns({{"id", DataType::kI64}, {"text", DataType::kString}}));
}

// A quote opens a quoted field only at the start of a field; inside an unquoted field it is
// data (as in Python's csv module, pandas and DuckDB). Parity would merge rows 1 to 3 here.
TEST(CsvQuoting, QuoteInsideAnUnquotedFieldIsData) {
  TempDir dir;
  const std::string path = dir.Write(
      "a.csv", "id,item,price\n1,12\" pizza,10\n2,large,12\n3,6\" sub,5\n4,plain,7\n");
  Table t = ReadCsv(path);
  EXPECT_EQ(t.rows, (Rows{{"1", "12\" pizza", "10"},
                          {"2", "large", "12"},
                          {"3", "6\" sub", "5"},
                          {"4", "plain", "7"}}));
}

// Each case as Python's csv module (and pandas) reads it.
TEST(CsvQuoting, TheRuleFieldByField) {
  TempDir dir;
  const std::string path = dir.Write("a.csv",
                                     "a,b\n"
                                     "1,\"ab\"cd\n"         // after the closing quote: data
                                     "2,\"a\"\"b\"\n"       // doubled quote
                                     "3,\"p\\\"q\"\n"       // no escape character by default
                                     "4,x\"y\"z\n"          // quotes mid-field
                                     "5,\"\"\n"             // quoted empty: missing
                                     "6,\"q\"\"\"\n"        // ends in a doubled quote
                                     "7,\"ab\"c\"d,e\"\n"); // a quote after the close is data
  ScanOptions scan = Scan({{"a", DataType::kI64}, {"b", DataType::kString}}, BadRowPolicy::kReject);
  ReadStats stats;
  Table t = ReadCsv(path, {}, scan, &stats);
  EXPECT_EQ(t.rows, (Rows{{"1", "abcd"},
                          {"2", "a\"b"},
                          {"3", "p\\q\""},
                          {"4", "x\"y\"z"},
                          {"5", kNull},
                          {"6", "q\""}}));
  ASSERT_EQ(stats.rejects.size(), 1u);  // 7,"ab"c"d / e" : three fields
  EXPECT_EQ(stats.rejects[0].line, 8);
  EXPECT_EQ(stats.rejects[0].reason, "expected 2 fields, found 3");
}

// Spaces before a quote make the field unquoted: the spaces and quotes are data and a
// delimiter after them splits it (Python's csv module and pandas; DuckDB strips the spaces).
TEST(CsvQuoting, SpacesBeforeAQuoteMakeAnUnquotedField) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b,c\n1, \"x,y\"\n2, \"z\",w\n");
  ScanOptions scan = Scan({{"a", DataType::kI64}, {"b", DataType::kString}, {"c", DataType::kString}},
                          BadRowPolicy::kSkip);
  EXPECT_EQ(ReadCsv(path, {}, scan).rows, (Rows{{"1", " \"x", "y\""}, {"2", " \"z\"", "w"}}));
}

TEST(CsvQuoting, BackslashEscape) {
  TempDir dir;
  const std::string path = dir.Write(
      "a.csv",
      "a,b\n1,\"p\\\"q\"\n2,\"a\\\\\"\n3,\"x\\,y\"\n4,\"d\"\"q\"\n5,c:\\dir\\\n6,\"n\\\nl\"\n");
  ReadOptions options;
  options.escape = '\\';
  Table t = ReadCsv(path, options);
  EXPECT_EQ(t.rows, (Rows{{"1", "p\"q"},
                          {"2", "a\\"},
                          {"3", "x,y"},
                          {"4", "d\"q"},
                          {"5", "c:\\dir\\"},  // outside quotes the escape is data
                          {"6", "n\nl"}}));
  // Quote parity would take the escaped quote for the close, and the next for an opening one.
  const std::string alone = dir.Write("b.csv", "a,b\n7,\"\\\"\"\n8,z\n");
  EXPECT_EQ(ReadCsv(alone, options).rows, (Rows{{"7", "\""}, {"8", "z"}}));
}

TEST(CsvQuoting, QuotingOff) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\n1,\"x\"\n2,\"y\n3,12\" z\n");
  ReadOptions options;
  options.quote = '\0';
  EXPECT_EQ(ReadCsv(path, options).rows,
            (Rows{{"1", "\"x\""}, {"2", "\"y"}, {"3", "12\" z"}}));
  ReadOptions single;
  single.quote = '\'';
  const std::string other = dir.Write("b.csv", "a,b\n1,'x,y'\n2,\"z\"\n3,'it''s'\n");
  EXPECT_EQ(ReadCsv(other, single).rows,
            (Rows{{"1", "x,y"}, {"2", "\"z\""}, {"3", "it's"}}));
}

TEST(CsvQuoting, HeaderFollowsTheRule) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "size\",\"b,c\"\n1,2\n");
  EXPECT_EQ(MakeCsvSource({})->InspectSchema(path),
            Columns({{"size\"", DataType::kI64}, {"b,c", DataType::kI64}}));
}

TEST(CsvQuoting, BadOptions) {
  ReadOptions same;
  same.quote = ',';
  EXPECT_NE(ErrorOf([&] { MakeCsvSource(same); }, ErrorCode::kUsage).find("delimiter"),
            std::string::npos);
  ReadOptions escape;
  escape.escape = ',';
  EXPECT_NE(ErrorOf([&] { MakeCsvSource(escape); }, ErrorCode::kUsage).find("escape"),
            std::string::npos);
}

TEST(CsvRfc4180, CrlfLineEnds) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n3,\r\n");
  Table t = ReadCsv(path);
  // CR of a line end is dropped; a CR inside quotes is content.
  EXPECT_EQ(t.rows, (Rows{{"1", "x"}, {"2", "y\r\nz"}, {"3", kNull}}));
  EXPECT_EQ(t.schema.field(1).name, "b");
}

TEST(CsvRfc4180, Utf8BomSkipped) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "\xEF\xBB\xBFid,v\n1,2.5\n");
  Table t = ReadCsv(path);
  EXPECT_EQ(t.schema.field(0).name, "id");
  EXPECT_EQ(t.rows, (Rows{{"1", "2.5"}}));
}

TEST(CsvRfc4180, BlankLinesSkipped) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n");
  ReadStats stats;
  Table t = ReadCsv(path, {}, {}, &stats);
  EXPECT_EQ(t.rows, (Rows{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(stats.rows_read, 2);
  EXPECT_EQ(stats.rows_rejected, 0);
}

TEST(CsvRfc4180, LastRowWithoutNewline) {
  TempDir dir;
  EXPECT_EQ(ReadCsv(dir.Write("a.csv", "a,b\n1,2\n3,4")).rows, (Rows{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(ReadCsv(dir.Write("b.csv", "a,b\r\n1,\"x\"\r")).rows, (Rows{{"1", "x"}}));
}

TEST(CsvRfc4180, OtherDelimiters) {
  TempDir dir;
  ReadOptions semicolon;
  semicolon.delimiter = ';';
  EXPECT_EQ(ReadCsv(dir.Write("a.csv", "a;b\n1,5;\"x;y\"\n"), semicolon,
                    Scan({{"a", DataType::kString}, {"b", DataType::kString}}))
                .rows,
            (Rows{{"1,5", "x;y"}}));
  ReadOptions tab;
  tab.delimiter = '\t';
  EXPECT_EQ(ReadCsv(dir.Write("b.csv", "a\tb\n1\t2\n"), tab).rows, (Rows{{"1", "2"}}));
}

TEST(CsvRfc4180, QuotedHeaderAndEmptyName) {
  TempDir dir;
  Table t = ReadCsv(dir.Write("a.csv", "\"x,y\",,\"q\"\"\"\n1,2,3\n"));
  EXPECT_EQ(t.schema.field(0).name, "x,y");
  EXPECT_EQ(t.schema.field(1).name, "Unnamed: 1");
  EXPECT_EQ(t.schema.field(2).name, "q\"");
}

TEST(CsvRfc4180, NoHeader) {
  TempDir dir;
  ReadOptions options;
  options.header = false;
  Table t = ReadCsv(dir.Write("a.csv", "1,x\n2,y\n"), options);
  EXPECT_EQ(t.schema, Columns({{"0", DataType::kI64}, {"1", DataType::kString}}));
  EXPECT_EQ(t.rows, (Rows{{"1", "x"}, {"2", "y"}}));
}

TEST(CsvLayout, EmptyFile) {
  TempDir dir;
  const std::string path = dir.Write("empty.csv", "");
  std::unique_ptr<Source> source = MakeCsvSource({});
  EXPECT_EQ(ErrorOf([&] { source->InspectSchema(path); }),
            path + ": empty file (expected a header row)");
  EXPECT_EQ(ErrorOf([&] { source->Plan({path}, 1 << 20); }),
            path + ": empty file (expected a header row)");
}

TEST(CsvLayout, HeaderOnly) {
  TempDir dir;
  for (const char* content : {"a,b\n", "a,b", "a,b\r\n\n"}) {
    const std::string path = dir.Write("h.csv", content);
    ReadStats stats;
    Table t = ReadCsv(path, {}, Scan({{"b", DataType::kF64}}), &stats);
    EXPECT_TRUE(t.rows.empty());
    EXPECT_EQ(stats.rows_read, 0);
    // Projection is still checked.
    EXPECT_EQ(ErrorOf(
                  [&] {
                    ReadCsv(path, {}, Scan({{"c", DataType::kF64}}));
                  },
                  ErrorCode::kSchema),
              path + ": column 'c' is required but not in the header (columns: a, b)");
  }
}

TEST(CsvLayout, DuplicateHeaderName) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b,a\n1,2,3\n");
  const std::string message = ErrorOf([&] { MakeCsvSource({})->InspectSchema(path); });
  EXPECT_EQ(message, path + ": duplicate column name 'a' in the header");
}

TEST(CsvLayout, MissingRequiredColumn) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b,c\n1,2,3\n");
  EXPECT_EQ(ErrorOf(
                [&] {
                  ReadCsv(path, {}, Scan({{"a", DataType::kI64}, {"X", DataType::kF64}}));
                },
                ErrorCode::kSchema),
            path + ": column 'X' is required but not in the header (columns: a, b, c)");
}

TEST(CsvLayout, DirectoryInputIsSortedAndSkipsMarkers) {
  TempDir dir;
  dir.Write("b.csv", "v\n2\n");
  dir.Write("a.csv", "v\n1\n");
  dir.Write("_SUCCESS", "not data\n");
  std::unique_ptr<Source> source = MakeCsvSource({});
  std::vector<Split> splits = source->Plan({dir.path()}, 1 << 20, 5);
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_EQ(fs::path(splits[0].path).filename(), "a.csv");
  EXPECT_EQ(fs::path(splits[1].path).filename(), "b.csv");
  EXPECT_EQ(splits[0].ordinal, 5);
  EXPECT_EQ(splits[1].ordinal, 6);
  EXPECT_EQ(source->InspectSchema(dir.path()), Columns({{"v", DataType::kI64}}));
  ReadResult all = ReadAll(*source, {dir.path()}, {}, 1);
  ASSERT_EQ(all.batches.size(), 2u);
  EXPECT_EQ(all.batches[0].columns[0]->i64[0], 1);
  EXPECT_EQ(all.batches[1].columns[0]->i64[0], 2);
}

// ---------------------------------------------------------------- types

TEST(CsvTypes, Floats) {
  TempDir dir;
  const std::string path =
      dir.Write("a.csv", "v\n1.5\n-2\n1e3\n+0.25\n.5\n 7 \nNaN\n\n");
  Table t = ReadCsv(path, {}, Scan({{"v", DataType::kF64}}));
  EXPECT_EQ(
      t.rows,
      (Rows{{"1.5"}, {"-2"}, {"1000"}, {"0.25"}, {"0.5"}, {"7"}, {kNull}}));
  // The empty line is blank (skipped), not a missing value: a one-column file is ambiguous.
  // inf, NaN spellings, overflow: tests/io/csv/bad_input_test.cc.
}

TEST(CsvTypes, FloatsAreCorrectlyRounded) {
  // The short-decimal fast path and fast_float must both agree with strtod, bit for bit.
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    std::string text = rng() % 2 ? "-" : "";
    const int int_digits = static_cast<int>(rng() % 10);
    const int fraction_digits = static_cast<int>(rng() % 12);
    for (int k = 0; k < int_digits; ++k) text += static_cast<char>('0' + rng() % 10);
    if (fraction_digits > 0 || int_digits == 0) text += '.';
    for (int k = 0; k < fraction_digits || (int_digits == 0 && k == 0); ++k)
      text += static_cast<char>('0' + rng() % 10);
    double parsed = 0;
    ASSERT_TRUE(ParseDouble(text, &parsed)) << text;
    EXPECT_EQ(parsed, std::strtod(text.c_str(), nullptr)) << text;
    EXPECT_EQ(std::signbit(parsed), std::signbit(std::strtod(text.c_str(), nullptr))) << text;
  }
  for (const char* text : {"0.1", "2.6299999999999999", "9007199254740993", "123456789012345.6",
                           "1e-320", "4.9406564584124654e-324", "1.7976931348623157e308"}) {
    double parsed = 0;
    ASSERT_TRUE(ParseDouble(text, &parsed)) << text;
    EXPECT_EQ(parsed, std::strtod(text, nullptr)) << text;
  }
}

TEST(CsvTypes, BadFloats) {
  TempDir dir;
  for (const std::string& bad : {"abc", "1.5x", "1..2", "--1", "+-1", "0x10"}) {
    const std::string path = dir.Write("a.csv", "id,v\n1,2\n2," + bad + "\n");
    EXPECT_EQ(ErrorOf([&] {
                ReadCsv(path, {}, Scan({{"v", DataType::kF64}}));
              }),
              path + ":3: column 'v': cannot parse '" + bad + "' as float" + kHint);
  }
  // A decimal comma (quoted, so it is one field) is an error, not 1.
  const std::string path = dir.Write("b.csv", "id,v\n1,\"1,5\"\n");
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(path, {}, Scan({{"v", DataType::kF64}}));
            }),
            path + ":2: column 'v': cannot parse '1,5' as float: a decimal comma? (the decimal "
                   "point must be '.')" + kHint);
}

TEST(CsvTypes, Ints) {
  TempDir dir;
  const std::string path =
      dir.Write("a.csv", "v\n0\n-12\n+7\n9223372036854775807\n-9223372036854775808\n007\nNA\n69.0\n1e3\n");
  Table t = ReadCsv(path, {}, Scan({{"v", DataType::kI64}}));
  EXPECT_EQ(t.rows, (Rows{{"0"},
                          {"-12"},
                          {"7"},
                          {"9223372036854775807"},
                          {"-9223372036854775808"},
                          {"7"},
                          {kNull},
                          {"69"},
                          {"1000"}}));
  for (const std::string& bad : {"9223372036854775808", "-9223372036854775809",
                                 "99999999999999999999", "1.5", "1e-3", "12a", "-"}) {
    const std::string bad_path = dir.Write("b.csv", "v\n" + bad + "\n");
    const bool overflow = bad.find_first_of(".ea") == std::string::npos && bad != "-";
    const bool fraction = bad == "1.5" || bad == "1e-3";
    EXPECT_EQ(ErrorOf([&] {
                ReadCsv(bad_path, {}, Scan({{"v", DataType::kI64}}));
              }),
              bad_path + ":2: column 'v': cannot parse '" + bad + "' as int" +
                  (overflow ? ": out of range for a 64-bit int (declare the column as float)" : "") +
                  (fraction ? ": not a whole number (declare the column as float)" : "") + kHint);
  }
}

TEST(CsvTypes, Bools) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "v\ntrue\nFALSE\nTrue\n1\n0\nnull\nt\nno\nYES\n");
  Table t = ReadCsv(path, {}, Scan({{"v", DataType::kBool}}));
  EXPECT_EQ(t.rows,
            (Rows{{"true"}, {"false"}, {"true"}, {"true"}, {"false"}, {kNull}, {"true"}, {"false"}, {"true"}}));
  for (const std::string& bad : {"yess", "2", "x", "truee"}) {
    const std::string bad_path = dir.Write("b.csv", "v\n" + bad + "\n");
    EXPECT_EQ(ErrorOf([&] {
                ReadCsv(bad_path, {}, Scan({{"v", DataType::kBool}}));
              }),
              bad_path + ":2: column 'v': cannot parse '" + bad + "' as bool" + kHint);
  }
}

TEST(CsvTypes, TimestampParser) {
  int64_t t = 0;
  ASSERT_TRUE(ParseTimestamp("1970-01-01", &t));
  EXPECT_EQ(t, 0);
  ASSERT_TRUE(ParseTimestamp("2009-01-04 02:52:00", &t));
  EXPECT_EQ(t, 1231037520LL * 1000000);
  ASSERT_TRUE(ParseTimestamp("2009-01-04T02:52:00", &t));
  EXPECT_EQ(t, 1231037520LL * 1000000);
  ASSERT_TRUE(ParseTimestamp("2009-01-04 02:52:00.5", &t));
  EXPECT_EQ(t, 1231037520LL * 1000000 + 500000);
  ASSERT_TRUE(ParseTimestamp("2009-01-04 02:52:00.000001", &t));
  EXPECT_EQ(t, 1231037520LL * 1000000 + 1);
  ASSERT_TRUE(ParseTimestamp("2009-01-04 02:52:00.123", &t));
  EXPECT_EQ(t, 1231037520LL * 1000000 + 123000);
  ASSERT_TRUE(ParseTimestamp("1969-12-31 23:59:59", &t));
  EXPECT_EQ(t, -1000000);
  ASSERT_TRUE(ParseTimestamp("2000-02-29", &t));  // divisible by 400: leap
  EXPECT_EQ(t, 951782400LL * 1000000);
  ASSERT_TRUE(ParseTimestamp("2008-02-29 23:59:59", &t));
  ASSERT_TRUE(ParseTimestamp("2009-12-31 00:00:00", &t));
  EXPECT_EQ(t, 1262217600LL * 1000000);
  for (const char* bad : {"2009-02-29",
                          "1900-02-29",
                          "2009-02-30",
                          "2009-04-31",
                          "2009-13-01",
                          "2009-00-10",
                          "2009-01-00",
                          "2009-01-04 24:00:00",
                          "2009-01-04 23:60:00",
                          "2009-01-04 23:59:60",
                          "2009-01-04 02:52:00.",
                          "2009-01-04 02:52:00.1234567890",  // (7 to 9 digits, Z, no seconds: convert_test)
                          "2009-01-04 02:52:00Y",
                          "2009-01-04 02:5",
                          "2009/01/04",
                          "09-01-04",
                          "2009-1-4",
                          "2009-01-04x02:52:00",
                          "2009-01-04 02:52:0a",
                          "2009-01-04 02:52:00.12a",
                          "abc",
                          ""}) {
    EXPECT_FALSE(ParseTimestamp(bad, &t)) << bad;
  }
}

TEST(CsvTypes, Timestamps) {
  TempDir dir;
  const std::string path =
      dir.Write("a.csv", "t\n2009-01-04 02:52:00\n2009-01-04T02:52:00.25\n2009-01-04\n\"\"\n");
  Table t = ReadCsv(path, {}, Scan({{"t", DataType::kTimestamp}}));
  EXPECT_EQ(t.rows, (Rows{{"2009-01-04 02:52:00"},
                          {"2009-01-04 02:52:00.250000"},
                          {"2009-01-04 00:00:00"},
                          {kNull}}));
  const std::string bad = dir.Write("b.csv", "t\n2009-02-28 00:00:00\n2009-02-30 00:00:00\n");
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(bad, {}, Scan({{"t", DataType::kTimestamp}}));
            }),
            bad + ":3: column 't': cannot parse '2009-02-30 00:00:00' as datetime" + kHint);
}

TEST(CsvTypes, CategoriesInOrderOfFirstAppearance) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "c\nCMT\nVTS\nCMT\nNA\nDDS\nVTS\n");
  std::unique_ptr<Source> source = MakeCsvSource({});
  ScanOptions scan = Scan({{"c", DataType::kCategory}});
  std::unique_ptr<SplitReader> reader = source->Open(source->Plan({path}, 0)[0], scan);
  Batch batch;
  ASSERT_TRUE(reader->Next(&batch));
  const Column& c = *batch.columns[0];
  ASSERT_EQ(c.type, DataType::kCategory);
  EXPECT_EQ(*c.dict, (Dictionary{"CMT", "VTS", "DDS"}));
  EXPECT_EQ(c.codes[0], 0);
  EXPECT_EQ(c.codes[1], 1);
  EXPECT_EQ(c.codes[2], 0);
  EXPECT_TRUE(c.IsNull(3));
  EXPECT_EQ(c.codes[4], 2);
  EXPECT_EQ(c.codes[5], 1);
  EXPECT_EQ(c.null_count, 1);
  EXPECT_FALSE(reader->Next(&batch));

  // Each batch has its own dictionary, in its own order of appearance.
  scan.batch_rows = 2;
  reader = source->Open(source->Plan({path}, 0)[0], scan);
  std::vector<Dictionary> dicts;
  while (reader->Next(&batch)) dicts.push_back(*batch.columns[0]->dict);
  EXPECT_EQ(dicts, (std::vector<Dictionary>{{"CMT", "VTS"}, {"CMT"}, {"DDS", "VTS"}}));
}

TEST(CsvTypes, ManyCategories) {
  TempDir dir;
  std::string content = "c\n";
  for (int i = 0; i < 1000; ++i) content += "v" + std::to_string(i * 7 % 100) + "\n";
  Table t = ReadCsv(dir.Write("a.csv", content), {}, Scan({{"c", DataType::kCategory}}));
  ASSERT_EQ(t.rows.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(t.rows[i][0], "v" + std::to_string(i * 7 % 100));
}

TEST(CsvTypes, MissingValuesForEveryType) {
  TempDir dir;
  const std::string path =
      dir.Write("a.csv", "f,i,b,t,s,c\n,NA,NaN,null,,\"\"\n1,2,true,2009-01-01,x,y\n");
  Table t = ReadCsv(path, {},
                    Scan({{"f", DataType::kF64},
                          {"i", DataType::kI64},
                          {"b", DataType::kBool},
                          {"t", DataType::kTimestamp},
                          {"s", DataType::kString},
                          {"c", DataType::kCategory}}));
  EXPECT_EQ(t.rows, (Rows{{kNull, kNull, kNull, kNull, kNull, kNull},
                          {"1", "2", "true", "2009-01-01 00:00:00", "x", "y"}}));
  // Custom spellings replace the defaults.
  ReadOptions options;
  options.na_values = {"-", "?"};
  Table custom = ReadCsv(dir.Write("b.csv", "a,b\n-,NA\n?,x\n"), options,
                         Scan({{"a", DataType::kF64}, {"b", DataType::kString}}));
  EXPECT_EQ(custom.rows, (Rows{{kNull, "NA"}, {kNull, "x"}}));
}

// ---------------------------------------------------------------- inference

TEST(CsvInference, IntFloatStringAndAllMissing) {
  TempDir dir;
  const std::string path =
      dir.Write("a.csv", "i,f,s,m,d,x\n1,1,a,,2009-01-01,5\n2,2.5,3,NA,2009-01-02,6\n,1e3,,,,7\n");
  ReadOptions options;
  options.parse_dates = {"d"};
  options.dtypes = {{"x", DataType::kCategory}};
  Schema schema = MakeCsvSource(options)->InspectSchema(path);
  EXPECT_EQ(schema, Columns({{"i", DataType::kI64},
                             {"f", DataType::kF64},
                             {"s", DataType::kString},
                             {"m", DataType::kF64},
                             {"d", DataType::kTimestamp},
                             {"x", DataType::kCategory}}));
  // With no projection, Open produces every column with these types.
  Table t = ReadCsv(path, options);
  EXPECT_EQ(t.schema, schema);
  EXPECT_EQ(t.rows[1],
            (std::vector<std::string>{"2", "2.5", "3", kNull, "2009-01-02 00:00:00", "6"}));
}

TEST(CsvInference, RareBadValuesAreReportedNotInferredAsText) {
  TempDir dir;
  std::string content = "i,f,s\n";
  for (int k = 0; k < 300; ++k) {
    const std::string n = std::to_string(k);
    if (k == 150) {
      content += "7x,\"12,5\",";
    } else {
      content += n + "," + n + ".5,";
    }
    content += k % 50 == 0 ? "abc\n" : n + "\n";
  }
  const std::string path = dir.Write("a.csv", content);
  // One bad value in 300 keeps a column numeric; 6 in 300 (2%) make it text.
  EXPECT_EQ(MakeCsvSource({})->InspectSchema(path),
            Columns({{"i", DataType::kI64}, {"f", DataType::kF64}, {"s", DataType::kString}}));
  EXPECT_EQ(ErrorOf([&] { ReadCsv(path); }), path + ":152: column 'i': cannot parse '7x' as int" + kHint);
  ReadStats stats;
  ScanOptions skip;
  skip.on_bad_rows = BadRowPolicy::kReject;
  ReadCsv(path, {}, skip, &stats);
  EXPECT_EQ(stats.rows_read, 299);
  ASSERT_EQ(stats.rejects.size(), 1u);
  EXPECT_EQ(stats.rejects[0].reason, "column 'i': cannot parse '7x' as int");
}

// A Latin-1 value in a column inferred as numeric (the sample skips the rows it cannot read
// as text) is reported as an encoding problem, with file, line and column.
TEST(CsvInference, Latin1ValueInANumericColumnIsAnEncodingError) {
  TempDir dir;
  std::string content = "name,age\n";
  for (int k = 0; k < 300; ++k) content += (k == 7 ? std::string("Jos\xE9") : std::to_string(k)) + ",3\n";
  const std::string path = dir.Write("latin1.csv", content);
  EXPECT_EQ(MakeCsvSource({})->InspectSchema(path),
            Columns({{"name", DataType::kI64}, {"age", DataType::kI64}}));
  EXPECT_EQ(ErrorOf([&] { ReadCsv(path); }),
            path + ":9: column 'name': cannot parse 'Jos\\xE9' as int: not UTF-8 (convert the "
                   "file to UTF-8, e.g. iconv -f latin1 -t utf-8)" + kHint);
  ReadOptions as_float;
  as_float.dtypes["name"] = DataType::kF64;
  EXPECT_EQ(ErrorOf([&] { ReadCsv(path, as_float); }),
            path + ":9: column 'name': cannot parse 'Jos\\xE9' as float: not UTF-8 (convert the "
                   "file to UTF-8, e.g. iconv -f latin1 -t utf-8)" + kHint);
}

TEST(CsvInference, DeclaredTypesWin) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\n1,2009-01-01\n2,2009-01-02\n");
  ReadOptions options;
  options.dtypes = {{"a", DataType::kF64}, {"b", DataType::kString}};
  options.parse_dates = {"b"};
  EXPECT_EQ(MakeCsvSource(options)->InspectSchema(path),
            Columns({{"a", DataType::kF64}, {"b", DataType::kString}}));
}

TEST(CsvInference, OnlyTheSampleIsInspected) {
  TempDir dir;
  std::string content = "a\n";
  for (int i = 0; i < 50; ++i) content += std::to_string(i) + "\n";
  content += "4.5\n";
  const std::string path = dir.Write("a.csv", content);
  ReadOptions options;
  options.infer_rows = 50;
  EXPECT_EQ(MakeCsvSource(options)->InspectSchema(path), Columns({{"a", DataType::kI64}}));
  options.infer_rows = 51;
  EXPECT_EQ(MakeCsvSource(options)->InspectSchema(path), Columns({{"a", DataType::kF64}}));
  options.infer_rows = 0;  // the whole file
  EXPECT_EQ(MakeCsvSource(options)->InspectSchema(path), Columns({{"a", DataType::kF64}}));
}

// ---------------------------------------------------------------- projection

TEST(CsvProjection, OrderSubsetAndTypes) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b,c,d\n1,x,2.5,\"q,\"\"\"\n3,y,4,z\n");
  Table t = ReadCsv(
      path, {}, Scan({{"c", DataType::kF64}, {"a", DataType::kString}, {"c", DataType::kString}}));
  EXPECT_EQ(t.schema,
            Columns({{"c", DataType::kF64}, {"a", DataType::kString}, {"c", DataType::kString}}));
  EXPECT_EQ(t.rows, (Rows{{"2.5", "1", "2.5"}, {"4", "3", "4"}}));
  // Skipped columns are not converted: a bad value there is no error.
  const std::string bad = dir.Write("b.csv", "a,b\n1,notanumber\n");
  EXPECT_EQ(ReadCsv(bad, {}, Scan({{"a", DataType::kI64}})).rows, (Rows{{"1"}}));
}

// ---------------------------------------------------------------- bad rows

TEST(CsvBadRows, RaggedRowsReportTheirLine) {
  TempDir dir;
  const std::string few = dir.Write("few.csv", "a,b,c\n1,2,3\n\n4,5\n");
  EXPECT_EQ(ErrorOf([&] { ReadCsv(few); }), few + ":4: expected 3 fields, found 2" + kHint);
  const std::string many = dir.Write("many.csv", "a,b,c\r\n1,2,3\r\n4,5,6,7\r\n");
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(many, {}, Scan({{"a", DataType::kI64}}));
            }),
            many + ":3: expected 3 fields, found 4" + kHint);
  const std::string last = dir.Write("last.csv", "a,b,c\n1,2,3\n1");
  EXPECT_EQ(ErrorOf([&] { ReadCsv(last); }), last + ":3: expected 3 fields, found 1" + kHint);
}

TEST(CsvBadRows, UnterminatedQuoteAtEndOfFile) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\n1,x\n2,\"open\nstill open\n");
  EXPECT_EQ(ErrorOf([&] { ReadCsv(path); }), path + ":3: unterminated quoted field" + kHint);
  const std::string header = dir.Write("b.csv", "a,\"b\n1,2\n");
  EXPECT_EQ(ErrorOf([&] { MakeCsvSource({})->InspectSchema(header); }),
            header + ":1: unterminated quoted field");
}

TEST(CsvBadRows, LineNumbersCountQuotedNewlines) {
  TempDir dir;
  // The first row spans lines 2-4; the bad value is on physical line 7 (after a blank line).
  const std::string path =
      dir.Write("a.csv", "id,text,v\n1,\"a\nb\nc\",1\n2,x,2\n\n3,y,oops\n4,z,1\n");
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(path, {}, Scan({{"text", DataType::kString}, {"v", DataType::kI64}}));
            }),
            path + ":7: column 'v': cannot parse 'oops' as int" + kHint);
  // The same with a float column and a reader that only projects it.
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(path, {}, Scan({{"v", DataType::kF64}}));
            }),
            path + ":7: column 'v': cannot parse 'oops' as float" + kHint);
}

TEST(CsvBadRows, FirstErrorInTheFileWinsAcrossColumns) {
  TempDir dir;
  // Row 3 has a bad 'b'; row 4 a bad 'a': though 'a' is converted first, line 3 is reported.
  const std::string path = dir.Write("a.csv", "a,b\n1,2\n3,x\ny,4\n");
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(path, {}, Scan({{"a", DataType::kI64}, {"b", DataType::kI64}}));
            }),
            path + ":3: column 'b': cannot parse 'x' as int" + kHint);
  // Within a row, the first field in the file.
  const std::string same = dir.Write("b.csv", "a,b\nx,y\n");
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(same, {}, Scan({{"b", DataType::kI64}, {"a", DataType::kI64}}));
            }),
            same + ":2: column 'a': cannot parse 'x' as int" + kHint);
}

std::string BadRowsFile(const TempDir& dir) {
  return dir.Write("bad.csv",
                   "id,v,t\n"
                   "1,1.5,x\n"              // line 2 ok
                   "2,abc,y\n"              // line 3 bad float
                   "3,2.5\n"                // line 4 ragged
                   "4,\"multi\nline\",z\n"  // line 5 bad float (spans 5-6)
                   "5,3.5,w\n"              // line 7 ok
                   "6,x,\"q\"\n"            // line 8 bad float
                   "7,4.5,v\n");            // line 9 ok
}

TEST(CsvBadRows, SkipCountsRows) {
  TempDir dir;
  const std::string path = BadRowsFile(dir);
  ReadStats stats;
  Table t = ReadCsv(path, {},
                    Scan({{"id", DataType::kI64}, {"t", DataType::kString}, {"v", DataType::kF64}},
                         BadRowPolicy::kSkip),
                    &stats);
  EXPECT_EQ(t.rows, (Rows{{"1", "x", "1.5"}, {"5", "w", "3.5"}, {"7", "v", "4.5"}}));
  EXPECT_EQ(stats.rows_read, 3);
  EXPECT_EQ(stats.rows_rejected, 4);
  EXPECT_TRUE(stats.rejects.empty());
}

TEST(CsvBadRows, RejectRecordsRowsAndWritesThem) {
  TempDir dir;
  const std::string path = BadRowsFile(dir);
  ReadStats stats;
  Table t = ReadCsv(
      path, {}, Scan({{"v", DataType::kF64}, {"t", DataType::kCategory}}, BadRowPolicy::kReject),
      &stats);
  EXPECT_EQ(t.rows, (Rows{{"1.5", "x"}, {"3.5", "w"}, {"4.5", "v"}}));
  EXPECT_EQ(stats.rows_read + stats.rows_rejected, 7);
  ASSERT_EQ(stats.rejects.size(), 4u);
  EXPECT_EQ(stats.rejects[0].line, 3);
  EXPECT_EQ(stats.rejects[0].reason, "column 'v': cannot parse 'abc' as float");
  EXPECT_EQ(stats.rejects[1].line, 4);
  EXPECT_EQ(stats.rejects[1].reason, "expected 3 fields, found 2");
  EXPECT_EQ(stats.rejects[2].line, 5);
  EXPECT_EQ(stats.rejects[2].reason, "column 'v': cannot parse 'multi\nline' as float");
  EXPECT_EQ(stats.rejects[3].line, 8);
  EXPECT_EQ(stats.rejects[3].path, path);

  const std::string rejects = dir.path() + "/rejects.csv";
  WriteRejects(rejects, {stats.rejects[0], stats.rejects[2]}, false);
  WriteRejects(rejects, {stats.rejects[1]}, true);
  std::ifstream in(rejects, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), "file,line,reason\n" + path +
                               ",3,column 'v': cannot parse 'abc' as float\n" + path +
                               ",5,\"column 'v': cannot parse 'multi\nline' as float\"\n" + path +
                               ",4,\"expected 3 fields, found 2\"\n");
  // Not appending truncates.
  WriteRejects(rejects, {}, false);
  std::ifstream again(rejects, std::ios::binary);
  std::stringstream fresh;
  fresh << again.rdbuf();
  EXPECT_EQ(fresh.str(), "file,line,reason\n");
}

TEST(CsvBadRows, RejectedRowsAcrossBatchesAndStringColumns) {
  TempDir dir;
  std::string content = "s,v\n";
  int bad = 0;
  for (int i = 0; i < 1000; ++i) {
    const bool is_bad = i % 7 == 3;
    bad += is_bad;
    content += "s" + std::to_string(i) + "," + (is_bad ? "x" : std::to_string(i)) + "\n";
  }
  ScanOptions scan = Scan({{"s", DataType::kString}, {"v", DataType::kI64}}, BadRowPolicy::kReject);
  scan.batch_rows = 64;
  ReadStats stats;
  CsvTuning tuning;
  tuning.block_bytes = 100;
  Table t = ReadCsv(dir.Write("a.csv", content), {}, scan, &stats, tuning);
  EXPECT_EQ(stats.rows_rejected, bad);
  EXPECT_EQ(stats.rows_read, 1000 - bad);
  ASSERT_EQ(t.rows.size(), static_cast<size_t>(1000 - bad));
  for (const auto& row : t.rows) EXPECT_EQ(row[0], "s" + row[1]);
  ASSERT_EQ(stats.rejects.size(), static_cast<size_t>(bad));
  for (size_t k = 0; k < stats.rejects.size(); ++k) EXPECT_EQ(stats.rejects[k].line, 2 + 3 + 7 * k);
}

TEST(CsvBadRows, UnterminatedQuoteUnderSkip) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a\n1\n\"2\n3\n");
  ReadStats stats;
  Table t = ReadCsv(path, {}, Scan({{"a", DataType::kI64}}, BadRowPolicy::kReject), &stats);
  EXPECT_EQ(t.rows, (Rows{{"1"}}));
  EXPECT_EQ(stats.rows_rejected, 1);
  ASSERT_EQ(stats.rejects.size(), 1u);
  EXPECT_EQ(stats.rejects[0].line, 3);
  EXPECT_EQ(stats.rejects[0].reason, "unterminated quoted field");
}

TEST(CsvBadRows, RowWithHugelyManyFields) {
  // More separators than the tokenizer indexes at once: counted, not listed.
  TempDir dir;
  const std::string path =
      dir.Write("a.csv", "a,b,c\n1,2,3\n" + std::string(100000, ',') + "\n4,5,6\n");
  EXPECT_EQ(ErrorOf([&] {
              ReadCsv(path, {}, Scan({{"a", DataType::kI64}}));
            }),
            path + ":3: expected 3 fields, found 100001" + kHint);
  ReadStats stats;
  Table t = ReadCsv(path, {}, Scan({{"c", DataType::kI64}}, BadRowPolicy::kSkip), &stats);
  EXPECT_EQ(t.rows, (Rows{{"3"}, {"6"}}));
  EXPECT_EQ(stats.rows_rejected, 1);
}

TEST(CsvBadRows, RowLongerThanTheLimit) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\n1,2\n3," + std::string(5000, 'x') + "\n");
  CsvTuning tuning;
  tuning.block_bytes = 64;
  tuning.max_row_bytes = 4096;
  EXPECT_EQ(ErrorOf([&] { ReadCsv(path, {}, {}, nullptr, tuning); }),
            path + ":3: row is longer than 4096 bytes (an unterminated quoted field?)");
  tuning.max_row_bytes = 8192;  // grows from 64 bytes to fit it
  EXPECT_EQ(ReadCsv(path, {}, Scan({{"a", DataType::kI64}}), nullptr, tuning).rows,
            (Rows{{"1"}, {"3"}}));
}

// ---------------------------------------------------------------- splits

// A file exercising every hard case: quoted delimiters, quotes and newlines (LF and CRLF)
// inside fields, CRLF and LF line ends, blank lines, a last row without a line end.
std::string RandomCsv(uint32_t seed, int rows, Rows* expected) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const char* pieces[] = {"a", "b", ",", "\"", "\n", "\r\n", " ", "xyz", "é"};
  std::string out = "id,text,value,cat\n";
  for (int i = 0; i < rows; ++i) {
    std::string text = "t";
    for (int k = pick(6); k > 0; --k) text += pieces[pick(9)];
    const bool needs_quotes = text.find_first_of(",\"\r\n") != std::string::npos;
    std::string field = text;
    if (needs_quotes || pick(4) == 0) {
      field = "\"";
      for (char c : text) field += c == '"' ? std::string("\"\"") : std::string(1, c);
      field += "\"";
    }
    std::string value;
    if (pick(10) != 0) {
      char buf[32];
      value.assign(buf, std::to_chars(buf, buf + sizeof buf, pick(100000) / 8.0 - 5000).ptr);
    }
    const std::string cat = std::string("c") + static_cast<char>('a' + pick(5));
    out += std::to_string(i) + "," + field + "," + value + "," + cat;
    expected->push_back({std::to_string(i), text, value.empty() ? kNull : value, cat});
    if (i + 1 < rows || pick(2) == 0) out += pick(3) == 0 ? "\r\n" : "\n";
    if (pick(10) == 0) out += pick(2) ? "\n" : "\r\n";
  }
  return out;
}

ScanOptions RandomCsvScan() {
  ScanOptions scan = Scan({{"id", DataType::kI64},
                           {"text", DataType::kString},
                           {"value", DataType::kF64},
                           {"cat", DataType::kCategory}});
  scan.batch_rows = 37;
  return scan;
}

TEST(CsvSplits, SplitReadingEqualsSerialReading) {
  TempDir dir;
  for (uint32_t seed : {1u, 2u, 3u}) {
    Rows expected;
    const std::string content = RandomCsv(seed, 300, &expected);
    const std::string path = dir.Write("r" + std::to_string(seed) + ".csv", content);
    const ScanOptions scan = RandomCsvScan();
    Table serial = ReadCsv(path, {}, scan);
    ASSERT_EQ(serial.rows, expected);
    for (int64_t split_size : {1, 7, 64, 100, 1000, 4096, 1 << 20}) {
      for (int64_t block : {int64_t{1}, int64_t{13}, int64_t{200}, int64_t{4} << 20}) {
        CsvTuning tuning;
        tuning.block_bytes = block;
        tuning.allow_avx2 = block != 200;  // the baseline scanner too, on any CPU
        std::unique_ptr<Source> source = csv::MakeCsvSource({}, tuning);
        std::vector<Split> splits = source->Plan({path}, split_size);
        // Splits tile the data exactly, each begins at a row start.
        ASSERT_FALSE(splits.empty());
        EXPECT_EQ(splits.front().begin, static_cast<int64_t>(content.find('\n') + 1));
        EXPECT_EQ(splits.back().end, static_cast<int64_t>(content.size()));
        for (size_t i = 0; i < splits.size(); ++i) {
          EXPECT_EQ(splits[i].ordinal, static_cast<int64_t>(i));
          EXPECT_LT(splits[i].begin, splits[i].end);
          if (i > 0) EXPECT_EQ(splits[i].begin, splits[i - 1].end);
          if (i + 1 < splits.size()) EXPECT_GE(splits[i].end - splits[i].begin, split_size);
        }
        Table joined;
        int64_t bytes = 0, rows = 0;
        for (const Split& split : splits) {
          ReadStats stats;
          Table part = ReadSplit(*source, split, scan, &stats);
          joined.rows.insert(joined.rows.end(), part.rows.begin(), part.rows.end());
          EXPECT_EQ(stats.bytes_read, split.end - split.begin);
          bytes += stats.bytes_read;
          rows += stats.rows_read;
        }
        EXPECT_EQ(joined.rows, expected)
            << "seed " << seed << " split " << split_size << " block " << block;
        EXPECT_EQ(rows, static_cast<int64_t>(expected.size()));
      }
    }
  }
}

// Garbage in (random quotes, delimiters, CRs, ragged rows, bad values): split reading must
// still agree with serial reading on every row and every reject, and never crash.
// With every dialect (doubled quotes, a backslash escape, no quoting, another quote
// character), on the baseline and the AVX2 scanner.
TEST(CsvSplits, RandomGarbageReadsTheSameInSplits) {
  TempDir dir;
  // Good values, quoted fields, quotes inside unquoted fields (12" x), escapes; then rarer
  // structural pieces (a lone quote, delimiter, line end) that shift everything after them.
  const char* pieces[] = {"1",       "-2",       "3.5",     "x",       "",      "\"q,\"",
                          "\"a\"\"b\"", "\"l\nm\"", "12\" x",  "\"p\\\"q\"", "'s,t'", "a\\",
                          "\"",      ",",        "\n",      "\r\n",    "\"\r\n\"", " ",
                          " \"y\"",   "\\",       "'",       "\"ab\"c",  "x\"\n"};
  const int common = 12, all = static_cast<int>(std::size(pieces));
  ReadOptions escape, unquoted, single;
  escape.escape = '\\';
  unquoted.quote = '\0';
  single.quote = '\'';
  int64_t total_read = 0, total_rejected = 0;
  for (uint32_t seed = 0; seed < 80; ++seed) {
    const ReadOptions options = std::vector<ReadOptions>{{}, escape, unquoted, single}[seed % 4];
    std::mt19937 rng(seed);
    std::string content = "a,b,c\n";
    for (int row = 0; row < 60; ++row) {
      for (int field = 0; field < 3; ++field) {
        if (field > 0) content += ',';
        content += pieces[rng() % (rng() % 20 == 0 ? all : common)];
      }
      content += rng() % 3 ? "\n" : "\r\n";
    }
    const std::string path = dir.Write("g.csv", content);
    ScanOptions scan =
        Scan({{"a", DataType::kI64}, {"c", DataType::kString}, {"b", DataType::kF64}},
             BadRowPolicy::kReject);
    scan.batch_rows = 3;
    ReadStats serial_stats;
    const Table serial = ReadCsv(path, options, scan, &serial_stats);
    total_read += serial_stats.rows_read;
    total_rejected += serial_stats.rows_rejected;
    for (int64_t split_size : {1, 5, 16, 64, 1 << 20}) {
      for (int variant = 0; variant < 4; ++variant) {
        CsvTuning tuning;
        tuning.block_bytes = variant < 2 ? 16 : 1 << 20;  // scans of a few bytes, or whole blocks
        tuning.allow_avx2 = variant % 2 == 1;
        std::unique_ptr<Source> source = csv::MakeCsvSource(options, tuning);
        Table joined;
        std::vector<RejectedRow> rejects;
        int64_t rejected = 0;
        for (const Split& split : source->Plan({path}, split_size)) {
          ReadStats stats;
          Table part = ReadSplit(*source, split, scan, &stats);
          joined.rows.insert(joined.rows.end(), part.rows.begin(), part.rows.end());
          rejects.insert(rejects.end(), stats.rejects.begin(), stats.rejects.end());
          rejected += stats.rows_rejected;
        }
        ASSERT_EQ(joined.rows, serial.rows)
            << "seed " << seed << " split " << split_size << " variant " << variant;
        ASSERT_EQ(rejected, serial_stats.rows_rejected);
        ASSERT_EQ(rejects.size(), serial_stats.rejects.size());
        for (size_t i = 0; i < rejects.size(); ++i) {
          EXPECT_EQ(rejects[i].line, serial_stats.rejects[i].line);
          EXPECT_EQ(rejects[i].reason, serial_stats.rejects[i].reason);
        }
      }
    }
  }
  // The garbage is a real mix of good and bad rows.
  EXPECT_GT(total_read, 100);
  EXPECT_GT(total_rejected, 100);
}

TEST(CsvSplits, QuoteFreeFileAlignsToNewlines) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\n1,2\n3,4\n5,6\n");
  std::unique_ptr<Source> source = MakeCsvSource({});
  std::vector<Split> splits = source->Plan({path}, 5);
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_EQ(splits[0].begin, 4);
  EXPECT_EQ(splits[0].end, 12);  // 4 + 5 = 9 is mid-row: extends to the row end
  EXPECT_EQ(splits[1].begin, 12);
  EXPECT_EQ(splits[1].end, 16);
  EXPECT_EQ(splits[0].format, "csv");
  splits = source->Plan({path}, 4);  // 4 + 4 = 8 is a row start
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(splits[0].end, 8);
}

TEST(CsvSplits, BoundaryInsideQuotedNewline) {
  TempDir dir;
  // A quoted field holds newlines right where a naive split would cut.
  const std::string path = dir.Write("a.csv", "a,b\n1,\"x\ny\nz\"\n2,w\n");
  std::unique_ptr<Source> source = MakeCsvSource({});
  std::vector<Split> splits = source->Plan({path}, 4);
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_EQ(splits[0].end, 14);
  const ScanOptions scan = Scan({{"a", DataType::kI64}, {"b", DataType::kString}});
  EXPECT_EQ(ReadSplit(*source, splits[0], scan).rows, (Rows{{"1", "x\ny\nz"}}));
  EXPECT_EQ(ReadSplit(*source, splits[1], scan).rows, (Rows{{"2", "w"}}));
}

TEST(CsvSplits, ErrorLinesInLaterSplits) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\n1,\"x\ny\"\n2,w\n3,z\nq,v\n");
  std::unique_ptr<Source> source = MakeCsvSource({});
  std::vector<Split> splits = source->Plan({path}, 3);
  ASSERT_EQ(splits.size(), 4u);
  const ScanOptions scan = Scan({{"a", DataType::kI64}});
  EXPECT_EQ(ErrorOf([&] { ReadSplit(*source, splits[3], scan); }),
            path + ":6: column 'a': cannot parse 'q' as int" + kHint);
}

TEST(CsvSplits, JsonRoundTrip) {
  Split split;
  split.ordinal = 42;
  split.format = "csv";
  split.path = "/data/dir with \"quotes\"/f.csv";
  split.begin = 123456789012;
  split.end = 223456789012;
  split.query = "SELECT 1";
  const Split back = Split::FromJson(split.ToJson());
  EXPECT_EQ(back.ordinal, split.ordinal);
  EXPECT_EQ(back.format, split.format);
  EXPECT_EQ(back.path, split.path);
  EXPECT_EQ(back.begin, split.begin);
  EXPECT_EQ(back.end, split.end);
  EXPECT_EQ(back.query, split.query);
  ErrorOf([] { Split::FromJson("{not json"); });
  ErrorOf([] { Split::FromJson("[1,2]"); });
  ErrorOf([] { Split::FromJson(R"({"ordinal": "x", "format": "csv", "path": "p"})"); });
}

// ---------------------------------------------------------------- ReadAll

TEST(CsvReadAll, OneAndTwoThreadsGiveTheSameResult) {
  TempDir dir;
  Rows expected;
  const std::string a = dir.Write("a.csv", RandomCsv(7, 2000, &expected));
  Rows more;
  const std::string b = dir.Write("b.csv", RandomCsv(8, 500, &more));
  expected.insert(expected.end(), more.begin(), more.end());
  std::unique_ptr<Source> source = MakeCsvSource({});
  ScanOptions scan = RandomCsvScan();
  scan.batch_rows = 100;
  std::vector<Table> tables;
  for (int threads : {1, 2}) {
    ReadResult result = ReadAll(*source, {a, b}, scan, threads, 1000);
    Table t;
    for (const Batch& batch : result.batches) AppendBatch(batch, &t);
    EXPECT_EQ(t.rows, expected);
    EXPECT_EQ(result.schema, scan.columns);
    EXPECT_EQ(result.stats.rows_read, static_cast<int64_t>(expected.size()));
    EXPECT_EQ(result.stats.bytes_read,
              static_cast<int64_t>(fs::file_size(a) + fs::file_size(b)) -
                  2 * static_cast<int64_t>(std::string("id,text,value,cat\n").size()));
  }
}

TEST(CsvReadAll, RejectsInInputOrderAndFirstErrorWins) {
  TempDir dir;
  std::string content = "v\n";
  for (int i = 0; i < 3000; ++i) content += (i % 100 == 50 ? "x" : std::to_string(i)) + "\n";
  const std::string a = dir.Write("a.csv", content);
  const std::string b = dir.Write("b.csv", "v\n1\n2\nbad\n");
  std::unique_ptr<Source> source = MakeCsvSource({});
  for (int threads : {1, 2}) {
    ReadResult result = ReadAll(*source, {a, b},
                                Scan({{"v", DataType::kI64}}, BadRowPolicy::kReject), threads, 500);
    EXPECT_EQ(result.stats.rows_read, 3000 - 30 + 2);
    EXPECT_EQ(result.stats.rows_rejected, 31);
    ASSERT_EQ(result.stats.rejects.size(), 31u);
    for (int k = 0; k < 30; ++k) {
      EXPECT_EQ(result.stats.rejects[k].path, a);
      EXPECT_EQ(result.stats.rejects[k].line, 52 + 100 * k);
    }
    EXPECT_EQ(result.stats.rejects[30].path, b);
    EXPECT_EQ(result.stats.rejects[30].line, 4);
    // Under kStop the earliest error in input order is thrown, whatever finishes first.
    EXPECT_EQ(ErrorOf([&] {
                ReadAll(*source, {b, a}, Scan({{"v", DataType::kI64}}), threads, 500);
              }),
              b + ":4: column 'v': cannot parse 'bad' as int" + kHint);
    EXPECT_EQ(ErrorOf([&] {
                ReadAll(*source, {a, b}, Scan({{"v", DataType::kI64}}), threads, 500);
              }),
              a + ":52: column 'v': cannot parse 'x' as int" + kHint);
  }
}

TEST(CsvReadAll, InfersTheSchemaWithoutProjection) {
  TempDir dir;
  const std::string path = dir.Write("a.csv", "a,b\n1,x\n2,y\n");
  std::unique_ptr<Source> source = MakeCsvSource({});
  ReadResult result = ReadAll(*source, {path}, {}, 2);
  EXPECT_EQ(result.schema, Columns({{"a", DataType::kI64}, {"b", DataType::kString}}));
  const std::string header_only = dir.Write("h.csv", "a,b\n");
  EXPECT_EQ(ReadAll(*source, {header_only}, {}, 2).schema,
            Columns({{"a", DataType::kF64}, {"b", DataType::kF64}}));
}

// ---------------------------------------------------------------- writer round trip

// Any batch written by the CSV writer reads back with the same rows and values: one column
// or several, nulls, strings with quotes, delimiters and line breaks. A row whose only field
// is missing is written as "" (not a blank line, which readers skip). The empty string reads
// back as missing (it matches na_values "", as in pandas).
TEST(CsvWriter, RoundTripThroughTheReader) {
  TempDir dir;
  const char* pieces[] = {"", "a", "12\" pizza", "x,y", "two\nlines", "\"", "cr\r\nlf", " s "};
  const DataType types[] = {DataType::kF64, DataType::kI64, DataType::kString};
  for (uint32_t seed = 0; seed < 30; ++seed) {
    std::mt19937 rng(seed);
    const int num_columns = 1 + static_cast<int>(rng() % 3);
    const int64_t rows = 1 + rng() % 200;
    std::vector<Field> fields;
    Batch batch;
    batch.num_rows = rows;
    for (int c = 0; c < num_columns; ++c) {
      const DataType type = types[rng() % 3];
      fields.push_back({"c" + std::to_string(c), type});
      auto column = std::make_shared<Column>(type);
      column->length = rows;
      if (type == DataType::kString) column->offsets.push_back(0);
      for (int64_t r = 0; r < rows; ++r) {
        if (type == DataType::kF64) column->f64.push_back(static_cast<double>(rng()) / 7.0);
        if (type == DataType::kI64) column->i64.push_back(static_cast<int64_t>(rng()) - (1 << 30));
        if (type == DataType::kString) {
          column->chars += std::string(pieces[rng() % 8]) + pieces[rng() % 8];
          column->offsets.push_back(static_cast<int64_t>(column->chars.size()));
        }
      }
      for (int64_t r = 0; r < rows; ++r)
        if (rng() % 3 == 0) column->SetNull(r);
      batch.Add(fields.back().name, column);
    }
    Rows expected;
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<std::string> row;
      for (const ColumnPtr& column : batch.columns) {
        const bool missing = column->IsNull(r) || column->ToString(r).empty();
        row.push_back(missing ? kNull : column->ToString(r));
      }
      expected.push_back(row);
    }
    const std::string path = dir.path() + "/w" + std::to_string(seed) + ".csv";
    auto writer = OpenPartWriter(path, OutputFormat::kCsv, Schema(fields), WriterOptions());
    writer->Write(batch);
    ASSERT_EQ(writer->Finish(), rows);
    const Table table = ReadCsv(path, {}, Scan(fields));
    EXPECT_EQ(table.rows.size(), static_cast<size_t>(rows)) << "seed " << seed;
    EXPECT_EQ(table.rows, expected) << "seed " << seed;
  }
}

}  // namespace
}  // namespace outcore
