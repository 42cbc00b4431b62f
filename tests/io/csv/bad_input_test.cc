// The bad-input suite (docs/bad-input.md): CSV files outcore's users did not write, each read
// in the three bad-row modes. A case states what skip and reject give (rows read, and the line
// and reason of each bad row); stop must then give the same rows when there is no bad row, or
// fail at the first one with "FILE:LINE: REASON" and the hint. A file-level problem (not CSV
// text, no header, a row over the size cap) is the same error in every mode.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "io/convert.h"
#include "io/csv/csv_reader.h"
#include "outcore/error.h"
#include "outcore/source.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;  // "a\0b"s keeps its NUL byte

constexpr char kHint[] =
    "\n  (to drop bad rows and go on: --on-bad-rows skip, or --on-bad-rows reject=FILE to list "
    "them)";
constexpr char kNull[] = "<null>";
const DataType kInt = DataType::kI64, kFloat = DataType::kF64, kText = DataType::kString,
               kCat = DataType::kCategory;

using Rows = std::vector<std::vector<std::string>>;

struct BadRow {
  int64_t line;
  std::string reason;
  bool operator==(const BadRow&) const = default;
};

struct Case {
  std::string name = {};
  std::string bytes = {};
  std::vector<Field> columns = {};  // what is read, with the declared types; empty: all
  // Under skip and reject (and under stop when `bad` is empty):
  Rows rows = {};
  std::vector<BadRow> bad = {};
  // A file-level error, the same in every mode: the message after "PATH".
  std::string file_error = {};
  ReadOptions options = {};
  csv::CsvTuning tuning = {};
};

std::ostream& operator<<(std::ostream& os, const BadRow& b) {
  return os << b.line << ": " << b.reason;
}

// What one read gives: rows as text, stats, or the error.
struct Outcome {
  Rows rows;
  ReadStats stats;
  bool failed = false;
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

Outcome Read(const std::string& path, const Case& c, BadRowPolicy policy,
             const csv::CsvTuning& tuning) {
  Outcome outcome;
  try {
    std::unique_ptr<Source> source = csv::MakeCsvSource(c.options, tuning);
    ScanOptions scan;
    scan.columns = Schema(c.columns);
    scan.on_bad_rows = policy;
    scan.batch_rows = 3;  // several batches even for small files
    for (const Split& split : source->Plan({path}, 0)) {
      std::unique_ptr<SplitReader> reader = source->Open(split, scan);
      Batch batch;
      while (reader->Next(&batch)) {
        for (int64_t r = 0; r < batch.num_rows; ++r) {
          std::vector<std::string> row;
          for (const ColumnPtr& column : batch.columns)
            row.push_back(column->IsNull(r) ? kNull : column->ToString(r));
          outcome.rows.push_back(std::move(row));
        }
      }
      outcome.stats = reader->stats();
    }
  } catch (const Error& e) {
    outcome.failed = true;
    outcome.code = e.code();
    outcome.message = e.what();
  }
  return outcome;
}

// Writes a case's file into a scratch directory that is removed when the tests end.
std::string Write(const std::string& name, const std::string& bytes) {
  static const struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("outcore_bad_input_" + std::to_string(::getpid()));
    Scratch() { fs::create_directories(dir); }
    ~Scratch() { fs::remove_all(dir); }
  } scratch;
  const std::string path = (scratch.dir / (name + ".csv")).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Runs a case in the three modes, with its tuning and with tiny read blocks (rows straddling
// blocks must not change anything).
void Check(const Case& c) {
  SCOPED_TRACE(c.name);
  const std::string path = Write(c.name, c.bytes);
  csv::CsvTuning small_blocks = c.tuning;
  small_blocks.block_bytes = 16;
  for (const csv::CsvTuning& tuning : {c.tuning, small_blocks}) {
    SCOPED_TRACE("block_bytes " + std::to_string(tuning.block_bytes));
    for (BadRowPolicy policy : {BadRowPolicy::kStop, BadRowPolicy::kSkip, BadRowPolicy::kReject}) {
      SCOPED_TRACE("policy " + std::to_string(static_cast<int>(policy)));
      const Outcome got = Read(path, c, policy, tuning);
      if (!c.file_error.empty()) {
        EXPECT_TRUE(got.failed);
        EXPECT_EQ(got.code, ErrorCode::kInvalidInput);
        EXPECT_EQ(got.message, path + c.file_error);
        continue;
      }
      if (policy == BadRowPolicy::kStop && !c.bad.empty()) {
        EXPECT_TRUE(got.failed);
        EXPECT_EQ(got.code, ErrorCode::kInvalidInput);
        EXPECT_EQ(got.message, path + ":" + std::to_string(c.bad[0].line) + ": " +
                                   c.bad[0].reason + kHint);
        continue;
      }
      ASSERT_FALSE(got.failed) << got.message;
      EXPECT_EQ(got.rows, c.rows);
      EXPECT_EQ(got.stats.rows_read, static_cast<int64_t>(c.rows.size()));
      EXPECT_EQ(got.stats.rows_rejected, static_cast<int64_t>(c.bad.size()));
      std::vector<BadRow> rejects;
      for (const RejectedRow& r : got.stats.rejects) {
        EXPECT_EQ(r.path, path);
        rejects.push_back({r.line, r.reason});
      }
      EXPECT_EQ(rejects, policy == BadRowPolicy::kReject ? c.bad : std::vector<BadRow>{});
    }
  }
}

// ---------------------------------------------------------------- rows and quotes

TEST(BadInput, RaggedRows) {
  Check({.name = "too_many",
         .bytes = "a,b\n1,2\n3,4,5\n6,7\n",
         .columns = {{"a", kInt}, {"b", kInt}},
         .rows = {{"1", "2"}, {"6", "7"}},
         .bad = {{3, "expected 2 fields, found 3"}}});
  Check({.name = "too_few",
         .bytes = "a,b,c\n1,2,3\n4,5\n6,7,8\n9\n",
         .columns = {{"c", kInt}},
         .rows = {{"3"}, {"8"}},
         .bad = {{3, "expected 3 fields, found 2"}, {5, "expected 3 fields, found 1"}}});
}

TEST(BadInput, UnterminatedQuoteAtEndOfFile) {
  // The open quote takes the rest of the file into its row: one bad row, reported where the
  // row starts.
  Check({.name = "unterminated",
         .bytes = "a,b\n1,x\n2,\"open\n3,y\n4,z\n",
         .columns = {{"a", kInt}, {"b", kText}},
         .rows = {{"1", "x"}},
         .bad = {{3, "unterminated quoted field"}}});
  Check({.name = "unterminated_header",
         .bytes = "a,\"b\n1,2\n",
         .file_error = ":1: unterminated quoted field"});
}

// ---------------------------------------------------------------- bytes that are not text

TEST(BadInput, NulBytes) {
  // In a number: not a number. In text: a bad row (no CSV text holds NUL; it is usually a
  // file damaged by a crash). The value is shown with the NUL escaped.
  Check({.name = "nul_number",
         .bytes = "a,b\n1,2\n3,4\0\n5,6\n"s,
         .columns = {{"a", kInt}, {"b", kInt}},
         .rows = {{"1", "2"}, {"5", "6"}},
         .bad = {{3, "column 'b': cannot parse '4\\x00' as int"}}});
  Check({.name = "nul_text",
         .bytes = "a,s,c\n1,ok,x\n2,a\0b,y\n3,fine,\0\n4,\"\",z\n"s,
         .columns = {{"a", kInt}, {"s", kText}, {"c", kCat}},
         .rows = {{"1", "ok", "x"}, {"4", kNull, "z"}},
         .bad = {{3, "column 's': cannot parse 'a\\x00b' as string: NUL byte"},
                 {4, "column 'c': cannot parse '\\x00' as category: NUL byte"}}});
  // Only the columns read are looked at.
  Check({.name = "nul_unread",
         .bytes = "a,s\n1,a\0b\n"s,
         .columns = {{"a", kInt}},
         .rows = {{"1"}}});
}

TEST(BadInput, InvalidUtf8) {
  const std::string latin1 = "column 's': cannot parse 'caf\\xE9' as string: not UTF-8 (convert "
                             "the file to UTF-8, e.g. iconv -f latin1 -t utf-8)";
  Check({.name = "utf8_text",
         .bytes = "n,s\n1,caf\xC3\xA9\n2,caf\xE9\n3,\xE6\x97\xA5\xF0\x9F\x98\x80\n",
         .columns = {{"n", kInt}, {"s", kText}},
         .rows = {{"1", "caf\xC3\xA9"}, {"3", "\xE6\x97\xA5\xF0\x9F\x98\x80"}},
         .bad = {{3, latin1}}});
  // A category value is checked when first met; later rows with the same bytes are bad too.
  Check({.name = "utf8_category",
         .bytes = "c\nok\n\xFF\nok\n\xFF\n",
         .columns = {{"c", kCat}},
         .rows = {{"ok"}, {"ok"}},
         .bad = {{3, "column 'c': cannot parse '\\xFF' as category: not UTF-8 (convert the file "
                     "to UTF-8, e.g. iconv -f latin1 -t utf-8)"},
                 {5, "column 'c': cannot parse '\\xFF' as category: not UTF-8 (convert the file "
                     "to UTF-8, e.g. iconv -f latin1 -t utf-8)"}}});
  // Two values that are UTF-8 only when put together are both bad (the check is per value).
  Check({.name = "utf8_straddle",
         .bytes = "s\nok\nab\xC3\n\xA9" "cd\n",
         .columns = {{"s", kText}},
         .rows = {{"ok"}},
         .bad = {{3, "column 's': cannot parse 'ab\\xC3' as string: not UTF-8 (convert the file "
                     "to UTF-8, e.g. iconv -f latin1 -t utf-8)"},
                 {4, "column 's': cannot parse '\\xA9cd' as string: not UTF-8 (convert the file "
                     "to UTF-8, e.g. iconv -f latin1 -t utf-8)"}}});
  // In a number too it is an encoding error (not "no number"); in a column not read, nothing.
  Check({.name = "utf8_number",
         .bytes = "a,b\n1\xE9,x\xE9\n",
         .columns = {{"a", kFloat}},
         .bad = {{2, "column 'a': cannot parse '1\\xE9' as float: not UTF-8 (convert the file "
                     "to UTF-8, e.g. iconv -f latin1 -t utf-8)"}}});
  Check({.name = "utf8_unread", .bytes = "a,b\n1,x\xE9\n", .columns = {{"a", kInt}}, .rows = {{"1"}}});
}

TEST(BadInput, Utf8Validation) {
  for (const std::string& ok : {""s, "plain ascii, long enough for the word loop"s, "\t\r\n"s,
                               "h\xC3\xA9"s, "\xE2\x82\xAC"s, "\xF0\x9F\x98\x80"s,
                               "\xF4\x8F\xBF\xBF"s, "\xEF\xBB\xBF"s, "abcdefg\xC3\xA9xyz"s,
                               std::string(40, 'a') + "\xC3\xA9" + std::string(40, 'b')})
    EXPECT_TRUE(IsUtf8Text(ok)) << Printable(ok, 100);
  for (const std::string& bad :
       {"\0"s, "abcdefgh\0"s, "\x80"s, "\xC3"s, "\xC0\xAF"s /* overlong '/' */,
        "\xE0\x80\xAF"s /* overlong */, "\xED\xA0\x80"s /* surrogate */,
        "\xF4\x90\x80\x80"s /* past U+10FFFF */, "\xF5\x80\x80\x80"s, "\xC3\xA9\xC3"s /* cut */,
        "abcdefgh\xFF"s, std::string(40, 'a') + "\xFF", std::string(33, 'a') + "\0"s + "bbbbbbbb"})
    EXPECT_FALSE(IsUtf8Text(bad)) << Printable(bad, 100);
  // Messages escape what a terminal would not show, and cut long values at a character.
  EXPECT_EQ(Printable("a\0b\x01\x7F\xE9\xEF\xBB\xBF\xC3\xA9\n"s, 100),
            "a\\x00b\\x01\\x7F\\xE9\\uFEFF\xC3\xA9\n");
  EXPECT_EQ(Printable("ab\xC3\xA9", 3), "ab...");
}

TEST(BadInput, BinaryGarbage) {
  const std::string advice =
      "; is it a binary or compressed file, or text in another encoding (then convert it to "
      "UTF-8, e.g. iconv -f latin1 -t utf-8)?";
  const std::string bad_header = "not CSV text: the header is not UTF-8" + advice;
  Check({.name = "latin1_header",
         .bytes = "Gr\xF6\xDF" "e,b\n1,2\n",
         .file_error = ":1: " + bad_header});
  Check({.name = "nul_header", .bytes = "\n\na\0,b\n1,2\n"s, .file_error = ":3: " + bad_header});
  // Known formats are named by their first bytes.
  const std::string tail = "\x08\x00\x12\x34\n\"\x8b\xff,,\n"s;
  // gzip and zstd files are read as their text: one that is not a stream is corrupt.
  Check({.name = "gzip",
         .bytes = "\x1f\x8b" + tail,
         .file_error = ": the gzip stream ends early (a truncated file?) after 0 decompressed bytes"});
  Check({.name = "zip",
         .bytes = "PK\x03\x04" + tail,
         .file_error = ": not CSV text: it starts like a zip file (extract it first)"});
  Check({.name = "zstd",
         .bytes = "\x28\xb5\x2f\xfd" + tail,
         .file_error = ": zstd data is corrupt after 0 decompressed bytes: Unsupported frame parameter"});
  Check({.name = "parquet",
         .bytes = "PAR1" + tail,
         .file_error = ": not CSV text: it starts like a Parquet file (name it *.parquet)"});
  Check({.name = "utf16",
         .bytes = "\xff\xfe" "a\0,\0b\0\n\0"s,
         .file_error = ": not CSV text: it starts like UTF-16 text (convert it to UTF-8, e.g. "
                       "iconv -f utf-16 -t utf-8)"});
  // Random bytes: whatever the seed, an error saying so, in every mode.
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::string bytes(4096, '\0');
    for (char& b : bytes) b = static_cast<char>(rng() & 0xFF);
    const std::string path = Write("random", bytes);
    for (BadRowPolicy policy : {BadRowPolicy::kStop, BadRowPolicy::kSkip, BadRowPolicy::kReject}) {
      const Outcome got = Read(path, Case{}, policy, {});
      EXPECT_TRUE(got.failed) << seed;
      EXPECT_EQ(got.code, ErrorCode::kInvalidInput) << seed;
      EXPECT_EQ(got.message, path + ": not CSV text: many of its first bytes are not UTF-8" + advice)
          << seed;
    }
  }
}

// ---------------------------------------------------------------- line ends and BOM

TEST(BadInput, LineEnds) {
  Check({.name = "mixed",
         .bytes = "a,b\r\n1,x\n2,y\r\n\r\n3,\"p\rq\"\r\n4,z",
         .columns = {{"a", kInt}, {"b", kText}},
         .rows = {{"1", "x"}, {"2", "y"}, {"3", "p\rq"}, {"4", "z"}}});
  // A CR alone is no line end: in a row it is content, so the row usually has too many fields.
  Check({.name = "lone_cr_row",
         .bytes = "a,b\n1,2\r3,4\n5,6\n",
         .columns = {{"a", kInt}, {"b", kInt}},
         .rows = {{"5", "6"}},
         .bad = {{2, "expected 2 fields, found 3"}}});
  // A file with CR line ends only (classic Mac) would be a single row: refused.
  const std::string cr_only =
      ":1: the header holds a carriage return (CR) without a line feed: lines that end in CR "
      "alone (classic Mac) are not read; convert them to LF, e.g. tr '\\r' '\\n'";
  Check({.name = "cr_only", .bytes = "a,b\r1,2\r3,4\r", .file_error = cr_only});
  ReadOptions no_header;
  no_header.header = false;
  Check({.name = "cr_only_no_header",
         .bytes = "1,2\r3,4\r",
         .file_error = ":1: the first row holds a carriage return (CR) without a line feed: lines "
                       "that end in CR alone (classic Mac) are not read; convert them to LF, e.g. "
                       "tr '\\r' '\\n'",
         .options = no_header});
}

TEST(BadInput, ByteOrderMark) {
  Check({.name = "bom",
         .bytes = "\xEF\xBB\xBF" "a,b\n1,2\n",
         .columns = {{"a", kInt}, {"b", kInt}},
         .rows = {{"1", "2"}}});
  // Two files concatenated: the second BOM is in a value, and shown in the message.
  Check({.name = "bom_inside",
         .bytes = "\xEF\xBB\xBF" "a,b\n1,2\n\xEF\xBB\xBF" "3,4\n",
         .columns = {{"a", kInt}, {"b", kInt}},
         .rows = {{"1", "2"}},
         .bad = {{3, "column 'a': cannot parse '\\uFEFF3' as int"}}});
}

TEST(BadInput, RowOverTheSizeCap) {
  // Fatal in every mode: where such a row ends is unknown without reading it whole, and it is
  // usually an unterminated quote, so skipping it could silently drop the rest of the file.
  csv::CsvTuning cap;
  cap.block_bytes = 64;  // the cap bounds how far the buffer grows: start it small
  cap.max_row_bytes = 256;
  Check({.name = "long_row",
         .bytes = "a,b\n1,2\n3," + std::string(300, 'x') + "\n4,5\n",
         .file_error = ":3: row is longer than 256 bytes (an unterminated quoted field?)",
         .tuning = cap});
  Check({.name = "long_quote",
         .bytes = "a,b\n1,2\n3,\"" + std::string(300, 'x') + "\n4,5\n",
         .file_error = ":3: row is longer than 256 bytes (an unterminated quoted field?)",
         .tuning = cap});
  // Just under the cap is fine.
  Check({.name = "long_ok",
         .bytes = "a,b\n1," + std::string(200, 'x') + "\n",
         .columns = {{"a", kInt}},
         .rows = {{"1"}},
         .tuning = cap});
}

// ---------------------------------------------------------------- numbers

TEST(BadInput, NumbersOutOfRange) {
  const std::string int_range =
      "' as int: out of range for a 64-bit int (declare the column as float)";
  Check({.name = "int_overflow",
         .bytes = "v\n9223372036854775807\n9223372036854775808\n-9223372036854775808\n"
                  "-9223372036854775809\n+99999999999999999999999\n",
         .columns = {{"v", kInt}},
         .rows = {{"9223372036854775807"}, {"-9223372036854775808"}},
         .bad = {{3, "column 'v': cannot parse '9223372036854775808" + int_range},
                 {5, "column 'v': cannot parse '-9223372036854775809" + int_range},
                 {6, "column 'v': cannot parse '+99999999999999999999999" + int_range}}});
  // Overflow would be inf, a value the file does not hold; underflow is the nearest double.
  const std::string float_range = "' as float: out of range for a 64-bit float";
  Check({.name = "float_overflow",
         .bytes = "v\n1.5\n1e400\n-2E+999\n1e-400\n1.7976931348623157e308\n",
         .columns = {{"v", kFloat}},
         .rows = {{"1.5"}, {"0"}, {"1.7976931348623157e+308"}},
         .bad = {{3, "column 'v': cannot parse '1e400" + float_range},
                 {4, "column 'v': cannot parse '-2E+999" + float_range}}});
}

TEST(BadInput, DecimalComma) {
  // Quoted, it is one field that is not a number; unquoted, it is two fields.
  Check({.name = "decimal_comma",
         .bytes = "a,v\n1,\"1,5\"\n2,1,5\n3,\"1,5,0\"\n4,2.5\n",
         .columns = {{"v", kFloat}},
         .rows = {{"2.5"}},
         .bad = {{2, "column 'v': cannot parse '1,5' as float: a decimal comma? (the decimal "
                     "point must be '.')"},
                 {3, "expected 2 fields, found 3"},
                 {4, "column 'v': cannot parse '1,5,0' as float"}}});
}

TEST(BadInput, NanAndInfinity) {
  // NaN in any spelling is a missing value in a float column ("NaN" by na_values, the others
  // because a float column holds no NaN that is not marked missing). Infinity is a bad value.
  const std::string infinite =
      "' as float: infinite values are not read (add it to na_values to read it as missing)";
  Check({.name = "nan_inf_float",
         .bytes = "v\nNaN\nnan\nNAN\n-nan\ninf\n-inf\n+Infinity\n 1.5 \n",
         .columns = {{"v", kFloat}},
         .rows = {{kNull}, {kNull}, {kNull}, {kNull}, {"1.5"}},
         .bad = {{6, "column 'v': cannot parse 'inf" + infinite},
                 {7, "column 'v': cannot parse '-inf" + infinite},
                 {8, "column 'v': cannot parse '+Infinity" + infinite}}});
  // NaN and nan are missing (pandas' default na_values); NAN and inf are no ints.
  Check({.name = "nan_int",
         .bytes = "v\nNaN\nnan\nNAN\ninf\n",
         .columns = {{"v", kInt}},
         .rows = {{kNull}, {kNull}},
         .bad = {{4, "column 'v': cannot parse 'NAN' as int"},
                 {5, "column 'v': cannot parse 'inf' as int"}}});
  // Listed in na_values, inf is missing too.
  ReadOptions inf_missing;
  inf_missing.na_values = {"", "NaN", "inf", "-inf"};
  Check({.name = "inf_missing",
         .bytes = "v\ninf\n-inf\n2\n",
         .columns = {{"v", kFloat}},
         .rows = {{kNull}, {kNull}, {"2"}},
         .options = inf_missing});
}

// ---------------------------------------------------------------- headers

TEST(BadInput, EmptyHeaderOnlyAndDuplicateNames) {
  for (const std::string& bytes : {""s, "\n\n"s, "\xEF\xBB\xBF"s})
    Check({.name = "empty", .bytes = bytes, .file_error = ": empty file (expected a header row)"});
  for (const std::string& bytes : {"a,b\n"s, "a,b"s, "\xEF\xBB\xBF" "a,b\r\n\r\n"s})
    Check({.name = "header_only", .bytes = bytes, .columns = {{"b", kFloat}}});
  Check({.name = "duplicate",
         .bytes = "a,b,a\n1,2,3\n",
         .file_error = ": duplicate column name 'a' in the header"});
}

}  // namespace
}  // namespace outcore
