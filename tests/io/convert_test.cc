// The text-to-value converters every source shares: ints written through a float (69.0), the
// boolean spellings of PostgreSQL, pandas and spreadsheets, and the reasons a value fails.
#include "io/convert.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "outcore/source.h"

namespace outcore {
namespace {

TEST(Convert, IntValuesMayBeWholeFloats) {
  int64_t v = -1;
  EXPECT_TRUE(ParseIntValue("69", &v));
  EXPECT_EQ(v, 69);
  EXPECT_TRUE(ParseIntValue("69.0", &v));
  EXPECT_EQ(v, 69);
  EXPECT_TRUE(ParseIntValue("-3.000", &v));
  EXPECT_EQ(v, -3);
  EXPECT_TRUE(ParseIntValue("1e3", &v));
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(ParseIntValue("-9223372036854775808", &v));  // the int64 text still reads exactly
  EXPECT_EQ(v, INT64_MIN);
  for (const char* bad : {"69.5", "1e-3", "9.3e18", "inf", "nan", "", "1x", "0x10"})
    EXPECT_FALSE(ParseIntValue(bad, &v)) << bad;
  EXPECT_EQ(WhyNotParsed(DataType::kI64, "69.5"), ": not a whole number (declare the column as float)");
  EXPECT_EQ(WhyNotParsed(DataType::kI64, "9.3e18"), ": out of range for a 64-bit int (declare the column as float)");
  EXPECT_EQ(WhyNotParsed(DataType::kI64, "99999999999999999999"),
            ": out of range for a 64-bit int (declare the column as float)");
  EXPECT_EQ(WhyNotParsed(DataType::kI64, "abc"), "");
}

TEST(Convert, NumberMarks) {
  std::string scratch;
  EXPECT_EQ(NumberText("1234.5", '.', '\0', &scratch), "1234.5");
  EXPECT_EQ(NumberText("1.234,5", ',', '.', &scratch), "1234.5");
  EXPECT_EQ(NumberText("1,234.5", '.', ',', &scratch), "1234.5");
  EXPECT_EQ(NumberText("1 234,5", ',', ' ', &scratch), "1234.5");
  EXPECT_EQ(NumberText("-3,25e2", ',', '\0', &scratch), "-3.25e2");
  double x;
  EXPECT_FALSE(ParseDouble(NumberText("1.5", ',', '\0', &scratch), &x));  // a '.' is no decimal mark then
}

TEST(Convert, BooleanSpellings) {
  for (const char* yes : {"true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "1"}) {
    bool b = false;
    EXPECT_TRUE(ParseBool(yes, &b)) << yes;
    EXPECT_TRUE(b) << yes;
  }
  for (const char* no : {"false", "False", "f", "F", "no", "No", "NO", "n", "N", "0"}) {
    bool b = true;
    EXPECT_TRUE(ParseBool(no, &b)) << no;
    EXPECT_FALSE(b) << no;
  }
  bool b;
  for (const char* bad : {"", "2", "x", "ye", "nope", "truee", "on", "off", "-1", "t "})
    EXPECT_FALSE(ParseBool(bad, &b)) << bad;
}

TEST(Convert, TimestampsInIso8601WithZonesBecomeUtc) {
  auto at = [](const char* text) {
    int64_t v = 0;
    EXPECT_TRUE(ParseTimestamp(text, &v)) << text;
    return v;
  };
  const int64_t noon = at("2024-03-15 12:00:00");
  EXPECT_EQ(noon, 1710504000LL * 1000000);
  EXPECT_EQ(at("2024-03-15T12:00:00"), noon);
  EXPECT_EQ(at("2024-03-15T12:00"), noon);  // no seconds
  EXPECT_EQ(at("2024-03-15T12:00:00Z"), noon);
  EXPECT_EQ(at("2024-03-15T14:00:00+02:00"), noon);
  EXPECT_EQ(at("2024-03-15T14:00:00+0200"), noon);
  EXPECT_EQ(at("2024-03-15T14:00+02"), noon);
  EXPECT_EQ(at("2024-03-15T06:30:00-05:30"), noon);
  EXPECT_EQ(at("2024-03-16T00:30:00+12:30"), noon);  // across midnight
  EXPECT_EQ(at("2024-03-15 12:00:00.5"), noon + 500000);
  EXPECT_EQ(at("2024-03-15 12:00:00.123456789Z"), noon + 123456);  // nanoseconds dropped
  EXPECT_EQ(at("2024-03-15"), noon - 12LL * 3600 * 1000000);
  int64_t v;
  for (const char* bad : {"2024-03-15 12", "2024-03-15 12:00:", "2024-03-15 12:00:00.", "2024-03-15 12:00:00.1234567890",
                          "2024-03-15 12:00:00+", "2024-03-15 12:00:00+2", "2024-03-15 12:00:00+24:00",
                          "2024-03-15 12:00:00+02:60", "2024-03-15 12:00:00 Z", "2024-03-15 12:00:00ZZ",
                          "2024-03-15 24:00:00", "2024-03-15 12:60", "2024-02-30", "2024-03-15x"})
    EXPECT_FALSE(ParseTimestamp(bad, &v)) << bad;
}

TEST(Convert, TimestampsInAStrftimeFormat) {
  auto at = [](const char* text, const char* format) {
    int64_t v = 0;
    EXPECT_TRUE(ParseTimestampFormat(text, format, &v)) << text << " in " << format;
    return v;
  };
  int64_t noon = 0;
  ASSERT_TRUE(ParseTimestamp("2024-03-15 12:05:00", &noon));
  EXPECT_EQ(at("03/15/2024 12:05", "%m/%d/%Y %H:%M"), noon);
  EXPECT_EQ(at("3/15/2024 12:05", "%m/%d/%Y %H:%M"), noon);  // one digit where there is one
  EXPECT_EQ(at("15.03.24 12:05:00", "%d.%m.%y %H:%M:%S"), noon);
  EXPECT_EQ(at("15 Mar 2024 12:05 PM", "%d %b %Y %I:%M %p"), noon);
  EXPECT_EQ(at("15 march 2024 12:05 pm", "%d %B %Y %I:%M %p"), noon);
  EXPECT_EQ(at("2024-03-15 02:05:00 -1000", "%Y-%m-%d %H:%M:%S %z"), noon);
  EXPECT_EQ(at("20240315120500.25", "%Y%m%d%H%M%S.%f"), noon + 250000);
  EXPECT_EQ(at("100% 2024-03-15 12:05", "100%% %Y-%m-%d %H:%M"), noon);
  EXPECT_EQ(at("12/31/69", "%m/%d/%y"), at("1969-12-31", "%Y-%m-%d"));  // 69-99: 19xx, as Python
  EXPECT_EQ(at("01/01/68", "%m/%d/%y"), at("2068-01-01", "%Y-%m-%d"));
  EXPECT_EQ(at("15 Mar 2024 12:05 AM", "%d %b %Y %I:%M %p"), noon - 12LL * 3600 * 1000000);
  int64_t v;
  for (auto [text, format] : std::vector<std::pair<const char*, const char*>>{
           {"2024-03-15", "%m/%d/%Y"},            // another layout
           {"03/15/2024 12:05 x", "%m/%d/%Y %H:%M"},  // text left over
           {"02/30/2024", "%m/%d/%Y"},            // no such day
           {"13/15/2024", "%m/%d/%Y"},
           {"03/15/2024 13:05 PM", "%m/%d/%Y %I:%M %p"},
           {"03/15/2024 00:05 AM", "%m/%d/%Y %I:%M %p"},
           {"15 Mrz 2024", "%d %b %Y"},
           {"03/15/2024", "%m/%d/%Y %H"}}) {
    EXPECT_FALSE(ParseTimestampFormat(text, format, &v)) << text << " in " << format;
  }
  EXPECT_EQ(DateFormatProblem("%m/%d/%Y %H:%M"), "");
  EXPECT_EQ(DateFormatProblem("%m/%d/%Y %Q"), "has %Q, which is not one of %Y %y %m %d %H %I %M %S %f %p %b %B %z %%");
  EXPECT_EQ(DateFormatProblem("%Y-%m-%d %"), "ends with a lone %");
  EXPECT_EQ(DateFormatProblem("%H:%M"), "needs a year (%Y or %y), a month (%m or %b) and a day (%d)");
}

TEST(Convert, CsvColumnsDeclaredIntAndBoolReadTheseSpellings) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("outcore-convert-" + std::to_string(::getpid()) + ".csv")).string();
  std::ofstream(path) << "n,flag\n69.0,t\n2,yes\n1e2,N\n,False\n";
  ReadOptions read;
  read.dtypes = {{"n", DataType::kI64}, {"flag", DataType::kBool}};
  std::unique_ptr<Source> source = MakeSource("csv", read);
  ScanOptions scan;
  scan.columns = source->InspectSchema(path);
  const ReadResult result = ReadAll(*source, {path}, scan, 1);
  std::filesystem::remove(path);
  ASSERT_EQ(result.batches.size(), 1u);
  const Batch& batch = result.batches[0];
  ASSERT_EQ(batch.num_rows, 4);
  EXPECT_EQ(batch.columns[0]->i64[0], 69);
  EXPECT_EQ(batch.columns[0]->i64[1], 2);
  EXPECT_EQ(batch.columns[0]->i64[2], 100);
  EXPECT_TRUE(batch.columns[0]->IsNull(3));
  EXPECT_EQ(std::vector<uint8_t>(batch.columns[1]->u8.begin(), batch.columns[1]->u8.end()),
            (std::vector<uint8_t>{1, 1, 0, 0}));
}

}  // namespace
}  // namespace outcore
