// Inputs that drifted in form, at predict: --read overrides of the model's read options
// (OverrideReadOptions) and input columns matched to the model's (MatchColumns, --rename).
#include <gtest/gtest.h>

#include "outcore/model.h"
#include "outcore/predict.h"
#include "test_util.h"

namespace outcore {
namespace {

using testing::ExpectError;

Schema Trained() {
  Schema s;
  s.Add({"Trip_Pickup_DateTime", DataType::kTimestamp});
  s.Add({"Fare_Amt", DataType::kF64});
  return s;
}

ReadOptions Override(const std::vector<std::string>& overrides, ReadOptions base = ReadOptions()) {
  return OverrideReadOptions(base, overrides, "--read", Trained());
}

TEST(ReadOverrides, SetKeysOverTheModels) {
  ReadOptions base;
  base.na_values = {"?"};
  base.infer_rows = 7;
  ReadOptions r = Override({"delimiter=;", "decimal=,", "thousands=.", "header=false",
                            "date_format.Trip_Pickup_DateTime=%m/%d/%Y %H:%M", "na_values=[\"NULL\", \"\"]",
                            "quote='", "delimiter=\"\\t\""},
                           base);
  EXPECT_EQ(r.delimiter, '\t');  // in order: the last one wins
  EXPECT_EQ(r.decimal, ',');
  EXPECT_EQ(r.thousands, '.');
  EXPECT_FALSE(r.header);
  EXPECT_EQ(r.quote, '\'');
  EXPECT_EQ(r.DateFormatOf("Trip_Pickup_DateTime"), "%m/%d/%Y %H:%M");
  EXPECT_EQ(r.na_values, (std::vector<std::string>{"NULL", ""}));
  EXPECT_EQ(r.infer_rows, 7);  // untouched keys keep the model's
  EXPECT_FALSE(r.sniff_delimiter);
  EXPECT_TRUE(Override({"delimiter=auto"}).sniff_delimiter);
}

TEST(ReadOverrides, OneFormatForAllReplacesThePerColumnOnes) {
  ReadOptions base;
  base.date_formats["Trip_Pickup_DateTime"] = "%d.%m.%Y";
  ReadOptions r = Override({"date_format=%Y/%m/%d"}, base);
  EXPECT_EQ(r.DateFormatOf("Trip_Pickup_DateTime"), "%Y/%m/%d");
}

TEST(ReadOverrides, MarksMayBeSwappedInOneRun) {
  ReadOptions base;
  base.decimal = ',';
  base.thousands = '.';
  ReadOptions r = Override({"decimal=.", "thousands=,"}, base);  // checked as a whole, at the end
  EXPECT_EQ(r.decimal, '.');
  EXPECT_EQ(r.thousands, ',');
}

TEST(ReadOverrides, BadOnesAreUsageErrorsNamingThem) {
  ExpectError([] { Override({"delimter=;"}); }, ErrorCode::kUsage, "--read delimter=;: unknown key 'delimter'");
  ExpectError([] { Override({"delimiter=ab"}); }, ErrorCode::kUsage, "--read delimiter=ab: 'delimiter' must be one character");
  ExpectError([] { Override({"header=maybe"}); }, ErrorCode::kUsage, "--read header=maybe: 'header' must be true or false");
  ExpectError([] { Override({"nokey"}); }, ErrorCode::kUsage, "--read nokey: expected KEY=VALUE");
  ExpectError([] { Override({"date_format.Fare_Amt=%m/%d/%Y"}); }, ErrorCode::kUsage,
              "'date_format.Fare_Amt': 'Fare_Amt' is not a datetime column");
  ExpectError([] { Override({"date_format=%Q"}); }, ErrorCode::kUsage, "'date_format' \"%Q\" has %Q");
  ExpectError([] { Override({"decimal=,", "thousands=,"}); }, ErrorCode::kUsage, "'decimal' and 'thousands' must differ");
  ExpectError([] { Override({"dtype.Fare_Amt=money"}); }, ErrorCode::kUsage, "--read dtype.Fare_Amt=money: 'dtype.Fare_Amt' must be one of");
}

Schema Found(const std::vector<std::string>& names) {
  Schema s;
  for (const auto& n : names) s.Add({n, DataType::kString});
  return s;
}

TEST(MatchColumns, ExactFirstThenUniqueIgnoringCase) {
  auto m = MatchColumns({"Trip_Pickup_DateTime", "Fare_Amt", "id"}, Found({"trip_pickup_datetime", "Fare_Amt", "fare_amt", "id"}),
                        {}, "in.csv");
  ASSERT_EQ(m.size(), 1u);  // Fare_Amt matches exactly, though fare_amt equals it ignoring case
  EXPECT_EQ(m[0], (ColumnMatch{"Trip_Pickup_DateTime", "trip_pickup_datetime", "case"}));
  EXPECT_TRUE(MatchColumns({"a"}, Found({"b"}), {}, "in.csv").empty());  // left to the caller
}

TEST(MatchColumns, AnAmbiguousMatchNamesBothCandidates) {
  ExpectError([] { MatchColumns({"Fare_Amt"}, Found({"fare_amt", "FARE_AMT"}), {}, "in.csv"); }, ErrorCode::kSchema,
              "in.csv: column 'Fare_Amt' matches both 'fare_amt' and 'FARE_AMT' when case is ignored; say which "
              "with --rename fare_amt=Fare_Amt");
  // --rename settles it.
  auto m = MatchColumns({"Fare_Amt"}, Found({"fare_amt", "FARE_AMT"}), {{"FARE_AMT", "Fare_Amt"}}, "in.csv");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], (ColumnMatch{"Fare_Amt", "FARE_AMT", "rename"}));
}

TEST(MatchColumns, Renames) {
  auto m = MatchColumns({"Fare_Amt", "fare"}, Found({"total", "fare"}), {{"total", "fare_amt"}}, "in.csv");
  ASSERT_EQ(m.size(), 1u);  // renamed, then matched ignoring case
  EXPECT_EQ(m[0], (ColumnMatch{"Fare_Amt", "total", "rename"}));
  ExpectError([] { MatchColumns({"Fare_Amt"}, Found({"fare"}), {{"price", "Fare_Amt"}}, "in.csv"); }, ErrorCode::kSchema,
              "in.csv: --rename price=Fare_Amt: the input has no column 'price' (columns: fare)");
  ExpectError([] { MatchColumns({"b"}, Found({"a", "b"}), {{"a", "b"}}, "in.csv"); }, ErrorCode::kSchema,
              "--rename a=b: the input already has a column 'b'");
}

TEST(RunReadOptions, PerColumnOptionsFollowTheMatchedColumn) {
  Model model;
  model.input_schema = Trained();
  model.read.parse_dates = {"Trip_Pickup_DateTime"};
  OutputSpec run;
  run.read = {"date_format.Trip_Pickup_DateTime=%m/%d/%Y %H:%M", "delimiter=;"};
  run.columns = {{"Trip_Pickup_DateTime", "trip_pickup_datetime", "case"}};
  ReadOptions r = RunReadOptions(model, run);
  EXPECT_EQ(r.delimiter, ';');
  EXPECT_EQ(r.parse_dates, std::vector<std::string>{"trip_pickup_datetime"});
  EXPECT_EQ(r.DateFormatOf("trip_pickup_datetime"), "%m/%d/%Y %H:%M");
  EXPECT_EQ(model.read.delimiter, ',');  // the model is not changed
  // Workers get both through the output spec's JSON.
  OutputSpec back = OutputSpec::FromJson(run.ToJson());
  EXPECT_EQ(back.read, run.read);
  EXPECT_EQ(back.columns, run.columns);
}

}  // namespace
}  // namespace outcore
