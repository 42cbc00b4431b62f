// A value a reader cannot convert travels as a BadValue (column, value, type, where the type
// came from, position): on each rejected row, and in the BadRowError a read stops with. The
// text of messages and rejects files is built from it and stays as documented
// (docs/bad-input.md). Sample's advice to declare a column's type follows the BadValue: only a
// CSV column whose type was inferred gets it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "outcore/error.h"
#include "outcore/source.h"
#include "outcore/sample.h"
#include "outcore/part_writer.h"
#include "test_util.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;
using testing::F64;
using testing::MakeBatch;

constexpr char kHint[] =
    "\n  (to drop bad rows and go on: --on-bad-rows skip, or --on-bad-rows reject=FILE to list "
    "them)";

class BadValueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/outcore_bad_value_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // A Parquet file of one float column 'd', 0..9 with row 6 (index 5) infinite, in row groups
  // of 4 rows: the bad value is in row group 1.
  std::string WriteParquetWithInfinity() {
    const std::string path = dir_ + "/inf.parquet";
    std::vector<double> d;
    for (int i = 0; i < 10; ++i) d.push_back(i == 5 ? INFINITY : i);
    WriterOptions options;
    options.row_group_rows = 4;
    Schema schema({{"d", DataType::kF64}});
    std::unique_ptr<PartWriter> writer = OpenPartWriter(path, OutputFormat::kParquet, schema, options);
    writer->Write(MakeBatch({{"d", F64(d)}}));
    writer->Finish();
    return path;
  }

  std::string dir_;
};

// Reads every split of `path` under `policy`; returns the stats of the splits summed.
ReadStats ReadAll(Source* source, const std::string& path, const Schema& columns,
                  BadRowPolicy policy) {
  ScanOptions scan;
  scan.columns = columns;
  scan.on_bad_rows = policy;
  ReadStats all;
  for (const Split& split : source->Plan({path}, 1 << 20)) {
    std::unique_ptr<SplitReader> reader = source->Open(split, scan);
    Batch batch;
    while (reader->Next(&batch)) {
    }
    all.rows_read += reader->stats().rows_read;
    for (const RejectedRow& r : reader->stats().rejects) all.rejects.push_back(r);
  }
  return all;
}

// The BadRowError a read under kStop ends with.
BadRowError StopError(Source* source, const std::string& path, const Schema& columns) {
  try {
    ReadAll(source, path, columns, BadRowPolicy::kStop);
  } catch (const BadRowError& e) {
    return e;
  }
  ADD_FAILURE() << path << ": the read did not stop at a bad row";
  return BadRowError("", std::nullopt);
}

const Schema kCsvColumns({{"a", DataType::kI64}, {"b", DataType::kString}});
constexpr char kCsv[] = "a,b\n1,x\n2,y\nz,w\n3,v\n";  // 'z' starts line 4, at byte 12

TEST_F(BadValueTest, CsvRejectCarriesTheValue) {
  const std::string path = Write("in.csv", kCsv);
  ReadStats stats = ReadAll(MakeCsvSource(ReadOptions()).get(), path, kCsvColumns,
                            BadRowPolicy::kReject);
  EXPECT_EQ(stats.rows_read, 3);
  ASSERT_EQ(stats.rejects.size(), 1u);
  const RejectedRow& r = stats.rejects[0];
  EXPECT_EQ(r.path, path);
  EXPECT_EQ(r.line, 4);
  EXPECT_EQ(r.reason, "column 'a': cannot parse 'z' as int");
  ASSERT_TRUE(r.bad.has_value());
  EXPECT_EQ(r.bad->column, "a");
  EXPECT_EQ(r.bad->value, "z");
  EXPECT_EQ(r.bad->type, DataType::kI64);
  EXPECT_EQ(r.bad->type_from, BadValue::TypeFrom::kInferred);
  EXPECT_EQ(r.bad->why, "");
  EXPECT_EQ(r.bad->path, path);
  EXPECT_EQ(r.bad->line, 4);
  EXPECT_EQ(r.bad->offset, 12);
  EXPECT_EQ(r.bad->row_group, -1);
  EXPECT_EQ(r.bad->Reason(), r.reason);
}

TEST_F(BadValueTest, CsvStopCarriesTheValueAndKeepsTheMessage) {
  const std::string path = Write("in.csv", kCsv);
  ReadOptions read;
  read.dtypes["a"] = DataType::kI64;
  const BadRowError e = StopError(MakeCsvSource(read).get(), path, kCsvColumns);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(std::string(e.what()), path + ":4: column 'a': cannot parse 'z' as int" + kHint);
  ASSERT_TRUE(e.bad().has_value());
  EXPECT_EQ(e.bad()->column, "a");
  EXPECT_EQ(e.bad()->value, "z");
  EXPECT_EQ(e.bad()->type, DataType::kI64);
  EXPECT_EQ(e.bad()->type_from, BadValue::TypeFrom::kDeclared);
  EXPECT_EQ(e.bad()->line, 4);
  EXPECT_EQ(e.bad()->offset, 12);
}

TEST_F(BadValueTest, CsvRaggedRowHasNoBadValue) {
  const std::string path = Write("ragged.csv", "a,b\n1,x\n2\n3,v\n");
  auto source = MakeCsvSource(ReadOptions());
  ReadStats stats = ReadAll(source.get(), path, kCsvColumns, BadRowPolicy::kReject);
  ASSERT_EQ(stats.rejects.size(), 1u);
  EXPECT_EQ(stats.rejects[0].line, 3);
  EXPECT_EQ(stats.rejects[0].reason, "expected 2 fields, found 1");
  EXPECT_FALSE(stats.rejects[0].bad.has_value());
  const BadRowError e = StopError(source.get(), path, kCsvColumns);
  EXPECT_EQ(std::string(e.what()), path + ":3: expected 2 fields, found 1" + kHint);
  EXPECT_FALSE(e.bad().has_value());
}

TEST_F(BadValueTest, ParquetRejectAndStopCarryTheValue) {
  const std::string path = WriteParquetWithInfinity();
  const Schema columns({{"d", DataType::kF64}});
  auto source = MakeParquetSource(ReadOptions());
  ReadStats stats = ReadAll(source.get(), path, columns, BadRowPolicy::kReject);
  EXPECT_EQ(stats.rows_read, 9);
  ASSERT_EQ(stats.rejects.size(), 1u);
  const RejectedRow& r = stats.rejects[0];
  EXPECT_EQ(r.line, 6);
  EXPECT_EQ(r.reason, "column 'd': cannot parse 'inf' as float: infinite values are not read");
  ASSERT_TRUE(r.bad.has_value());
  EXPECT_EQ(r.bad->column, "d");
  EXPECT_EQ(r.bad->value, "inf");
  EXPECT_EQ(r.bad->type, DataType::kF64);
  EXPECT_EQ(r.bad->type_from, BadValue::TypeFrom::kStored);
  EXPECT_EQ(r.bad->why, ": infinite values are not read");
  EXPECT_EQ(r.bad->path, path);
  EXPECT_EQ(r.bad->row_group, 1);
  EXPECT_EQ(r.bad->line, 6);
  EXPECT_EQ(r.bad->offset, -1);

  const BadRowError e = StopError(source.get(), path, columns);
  EXPECT_EQ(std::string(e.what()),
            path + ": row group 1, row 6: column 'd': cannot parse 'inf' as float: infinite "
                   "values are not read" + kHint);
  ASSERT_TRUE(e.bad().has_value());
  EXPECT_EQ(e.bad()->row_group, 1);
  EXPECT_EQ(e.bad()->line, 6);

  ReadOptions declared;
  declared.dtypes["d"] = DataType::kF64;
  stats = ReadAll(MakeParquetSource(declared).get(), path, columns, BadRowPolicy::kReject);
  ASSERT_EQ(stats.rejects.size(), 1u);
  ASSERT_TRUE(stats.rejects[0].bad.has_value());
  EXPECT_EQ(stats.rejects[0].bad->type_from, BadValue::TypeFrom::kDeclared);
}

// What `outcore sample` says when it stops at a bad value.
std::string SampleError(const std::string& input, const ReadOptions& read,
                        const std::string& output) {
  SampleOptions options;
  options.rows = 2;
  options.read = read;
  try {
    Sample({input}, options, output);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    return e.what();
  }
  ADD_FAILURE() << input << ": sample did not stop";
  return "";
}

TEST_F(BadValueTest, SampleAdvisesDeclaringOnlyAnInferredCsvType) {
  const std::string csv = Write("late.csv", "a\n1\n2\nx\n");  // 'a' inferred from 2 rows: int
  ReadOptions inferred;
  inferred.infer_rows = 2;
  EXPECT_EQ(SampleError(csv, inferred, dir_ + "/s1.csv"),
            csv + ":4: column 'a': cannot parse 'x' as int (sample reads each column with the "
                  "type inferred from the first rows of the first input: declare the column's "
                  "type in a spec's [read.dtype] and pass --spec, or skip such rows with "
                  "--on-bad-rows skip)");

  ReadOptions declared = inferred;
  declared.dtypes["a"] = DataType::kI64;
  EXPECT_EQ(SampleError(csv, declared, dir_ + "/s2.csv"),
            csv + ":4: column 'a': cannot parse 'x' as int (skip such rows with --on-bad-rows "
                  "skip)");

  // A Parquet column has its own type (tests/e2e/parquet_e2e.sh checks the same through the CLI).
  const std::string parquet = WriteParquetWithInfinity();
  EXPECT_EQ(SampleError(parquet, ReadOptions(), dir_ + "/s3.csv"),
            parquet + ": row group 1, row 6: column 'd': cannot parse 'inf' as float: infinite "
                      "values are not read (skip such rows with --on-bad-rows skip)");
}

}  // namespace
}  // namespace outcore
