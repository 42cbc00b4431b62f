// The expression step: a test per operator and function (values, missing values included),
// per type error (the message names the column, the expression and the position), the caps
// and the parse errors; then the step itself (replacing a column, new columns' order, the
// error naming the step at fit and in a model file).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "outcore/error.h"
#include "outcore/pipeline.h"
#include "pipeline/expression/expression.h"
#include "test_util.h"

namespace outcore {
namespace {
using namespace testing;

const double NA = std::nan("");
constexpr int64_t kHour = int64_t{3600} * 1000000;
constexpr int64_t kDay = 24 * kHour;
// 2024-03-01 00:00:00 UTC (a Friday, day 61 of a leap year), in microseconds.
constexpr int64_t k20240301 = int64_t{1709251200} * 1000000;

// The test table: x float (missing in row 2), n int, b bool (missing in row 3), s string
// (missing in row 1), c category (missing in row 0), d datetime (missing in row 3), z float zero.
Batch Table() {
  auto b = std::make_shared<Column>(DataType::kBool);
  b->length = 4;
  b->u8 = {1, 0, 1, 0};
  b->SetNull(3);
  auto d = std::make_shared<Column>(DataType::kTimestamp);
  d->length = 4;
  d->i64 = {k20240301 + 22 * kHour + int64_t{61} * 60 * 1000000, k20240301 - kDay + 5 * kHour, int64_t{0}, 0};
  d->SetNull(3);
  return MakeBatch({{"x", F64({1.5, -4, NA, 9})},
                    {"n", I64({3, 0, -2, 7})},
                    {"b", b},
                    {"s", Str({"Cash", "<null>", "CREDIT", "é"})},
                    {"c", Cat({"<null>", "No Charge", "Dispute", "No Charge"})},
                    {"d", d},
                    {"z", F64({0, 0, 0, 0})},
                    {"odd name", F64({10, 20, 30, 40})}});
}

ColumnPtr Eval(const std::string& text, const Batch& batch = Table()) {
  return expr::Expression::Parse(text).Evaluate(batch);
}

// The values of a float column, NaN where missing (and checked missing where NaN).
std::vector<double> Numbers(const std::string& text) {
  ColumnPtr c = Eval(text);
  EXPECT_EQ(c->type, DataType::kF64) << text;
  std::vector<double> out;
  for (int64_t i = 0; i < c->length; ++i) {
    EXPECT_EQ(c->IsNull(i), std::isnan(c->f64[i])) << text << " row " << i;
    out.push_back(c->IsNull(i) ? NA : c->f64[i]);
  }
  return out;
}

// A bool column as "1", "0" or "NA" per row.
std::vector<std::string> Bools(const std::string& text) {
  ColumnPtr c = Eval(text);
  EXPECT_EQ(c->type, DataType::kBool) << text;
  std::vector<std::string> out;
  for (int64_t i = 0; i < c->length; ++i) out.push_back(c->IsNull(i) ? "NA" : c->u8[i] ? "1" : "0");
  return out;
}

// A string column, "<null>" where missing.
std::vector<std::string> Texts(const std::string& text) {
  ColumnPtr c = Eval(text);
  EXPECT_EQ(c->type, DataType::kString) << text;
  std::vector<std::string> out;
  for (int64_t i = 0; i < c->length; ++i) out.push_back(c->IsNull(i) ? "<null>" : std::string(c->Str(i)));
  return out;
}

// Equal, NaN equal to NaN, within 1e-12.
void ExpectNumbers(const std::string& text, const std::vector<double>& want) {
  std::vector<double> got = Numbers(text);
  ASSERT_EQ(got.size(), want.size()) << text;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) EXPECT_TRUE(std::isnan(got[i])) << text << " row " << i << ": " << got[i];
    else EXPECT_NEAR(got[i], want[i], 1e-12) << text << " row " << i;
  }
}

TEST(Expression, NumbersColumnsAndArithmetic) {
  ExpectNumbers("x", {1.5, -4, NA, 9});
  ExpectNumbers("n", {3, 0, -2, 7});  // an int column is read as numbers
  ExpectNumbers("`odd name`", {10, 20, 30, 40});
  ExpectNumbers("2.5e1 + .5", {25.5, 25.5, 25.5, 25.5});
  ExpectNumbers("x + n", {4.5, -4, NA, 16});
  ExpectNumbers("x - n", {-1.5, -4, NA, 2});
  ExpectNumbers("x * n", {4.5, -0.0, NA, 63});
  ExpectNumbers("-x", {-1.5, 4, NA, -9});
  ExpectNumbers("- - n", {3, 0, -2, 7});
  ExpectNumbers("1 + 2 * 3 - 4 / 2", {5, 5, 5, 5});
  ExpectNumbers("(1 + 2) * 3", {9, 9, 9, 9});
  ExpectNumbers("b + 1", {2, 1, 2, NA});  // a bool is 0 or 1 in arithmetic
}

TEST(Expression, DivisionAndModuloByZeroAreMissing) {
  ExpectNumbers("x / n", {0.5, NA, NA, 9.0 / 7});
  ExpectNumbers("x / z", {NA, NA, NA, NA});
  ExpectNumbers("0 / z", {NA, NA, NA, NA});
  // Python's modulo: the sign of the divisor.
  ExpectNumbers("n % 3", {0, 0, 1, 1});
  ExpectNumbers("n % -3", {0, 0, -2, -2});
  ExpectNumbers("x % 2", {1.5, 0, NA, 1});
  ExpectNumbers("n % z", {NA, NA, NA, NA});
}

TEST(Expression, Comparisons) {
  EXPECT_EQ(Bools("x < n"), (std::vector<std::string>{"1", "1", "NA", "0"}));
  EXPECT_EQ(Bools("x <= 1.5"), (std::vector<std::string>{"1", "1", "NA", "0"}));
  EXPECT_EQ(Bools("x > 1.5"), (std::vector<std::string>{"0", "0", "NA", "1"}));
  EXPECT_EQ(Bools("x >= 1.5"), (std::vector<std::string>{"1", "0", "NA", "1"}));
  EXPECT_EQ(Bools("n == 0"), (std::vector<std::string>{"0", "1", "0", "0"}));
  EXPECT_EQ(Bools("n != 0"), (std::vector<std::string>{"1", "0", "1", "1"}));
  EXPECT_EQ(Bools("s == 'Cash'"), (std::vector<std::string>{"1", "NA", "0", "0"}));
  EXPECT_EQ(Bools("c < 'E'"), (std::vector<std::string>{"NA", "0", "1", "0"}));
  EXPECT_EQ(Bools("b == true"), (std::vector<std::string>{"1", "0", "1", "NA"}));
  EXPECT_EQ(Bools("d > d"), (std::vector<std::string>{"0", "0", "0", "NA"}));
  EXPECT_EQ(Bools("'it''s' == 'it''s'"), (std::vector<std::string>{"1", "1", "1", "1"}));
}

TEST(Expression, LogicIsKleenes) {
  EXPECT_EQ(Bools("b and x > 0"), (std::vector<std::string>{"1", "0", "NA", "NA"}));
  EXPECT_EQ(Bools("b or x > 0"), (std::vector<std::string>{"1", "0", "1", "1"}));
  EXPECT_EQ(Bools("not b"), (std::vector<std::string>{"0", "1", "0", "NA"}));
  EXPECT_EQ(Bools("false and b"), (std::vector<std::string>{"0", "0", "0", "0"}));
  EXPECT_EQ(Bools("true or b"), (std::vector<std::string>{"1", "1", "1", "1"}));
  EXPECT_EQ(Bools("not x > 0 or n == 0"), (std::vector<std::string>{"0", "1", "NA", "0"}));
}

TEST(Expression, IfCoalesceNullIfIsNull) {
  ExpectNumbers("if(x > 0, x, n)", {1.5, 0, NA, 9});
  EXPECT_EQ(Texts("if(n > 0, s, 'none')"), (std::vector<std::string>{"Cash", "none", "none", "é"}));
  EXPECT_EQ(Texts("if(b, c, s)"), (std::vector<std::string>{"<null>", "<null>", "Dispute", "<null>"}));
  ExpectNumbers("if(b, 1, 0)", {1, 0, 1, NA});
  ExpectNumbers("coalesce(x, n)", {1.5, -4, -2, 9});
  ExpectNumbers("coalesce(x)", {1.5, -4, NA, 9});
  EXPECT_EQ(Texts("coalesce(c, s, 'other')"), (std::vector<std::string>{"Cash", "No Charge", "Dispute", "No Charge"}));
  ExpectNumbers("nullif(n, 0)", {3, NA, -2, 7});
  ExpectNumbers("x / nullif(n, 0)", {0.5, NA, NA, 9.0 / 7});
  EXPECT_EQ(Texts("nullif(c, 'No Charge')"), (std::vector<std::string>{"<null>", "<null>", "Dispute", "<null>"}));
  EXPECT_EQ(Bools("nullif(b, true)"), (std::vector<std::string>{"NA", "0", "NA", "NA"}));
  EXPECT_EQ(Bools("is_null(x)"), (std::vector<std::string>{"0", "0", "1", "0"}));
  EXPECT_EQ(Bools("is_null(s)"), (std::vector<std::string>{"0", "1", "0", "0"}));
  EXPECT_EQ(Bools("is_null(d)"), (std::vector<std::string>{"0", "0", "0", "1"}));
  EXPECT_EQ(Bools("is_null(b)"), (std::vector<std::string>{"0", "0", "0", "1"}));
}

TEST(Expression, NumericFunctions) {
  ExpectNumbers("abs(x)", {1.5, 4, NA, 9});
  ExpectNumbers("log(n)", {std::log(3), NA, NA, std::log(7)});  // log(0), log(-2): missing
  ExpectNumbers("log1p(x)", {std::log1p(1.5), NA, NA, std::log(10)});
  ExpectNumbers("exp(n)", {std::exp(3), 1, std::exp(-2), std::exp(7)});
  ExpectNumbers("exp(x * 1000)", {NA, 0, NA, NA});  // overflow is missing
  ExpectNumbers("sqrt(x)", {std::sqrt(1.5), NA, NA, 3});
  ExpectNumbers("pow(n, 2)", {9, 0, 4, 49});
  ExpectNumbers("pow(z, -1)", {NA, NA, NA, NA});
  ExpectNumbers("min(x, n)", {1.5, -4, NA, 7});
  ExpectNumbers("max(x, n, 5)", {5, 5, NA, 9});
  ExpectNumbers("clip(x, -1, 2)", {1.5, -1, NA, 2});
  ExpectNumbers("clip(n, 0, n)", {3, 0, -2, 7});  // lo > hi: hi, as numpy
  ExpectNumbers("floor(x)", {1, -4, NA, 9});
  ExpectNumbers("floor(-x)", {-2, 4, NA, -9});
  // numpy's round: half to even.
  ExpectNumbers("round(x)", {2, -4, NA, 9});
  ExpectNumbers("round(x + 1)", {2, -3, NA, 10});
  ExpectNumbers("round(x / 4, 1)", {0.4, -1, NA, 2.2});
  ExpectNumbers("round(`odd name` * 37, -2)", {400, 700, 1100, 1500});
}

TEST(Expression, DatetimePartsMatchTheDatetimePartStep) {
  // Row 0: 2024-03-01 23:01, a Friday; row 1: 2024-02-29 05:00, a Thursday; row 2: 1970-01-01.
  ExpectNumbers("hour(d)", {23, 5, 0, NA});
  ExpectNumbers("minute(d)", {1, 0, 0, NA});
  ExpectNumbers("day(d)", {1, 29, 1, NA});
  ExpectNumbers("month(d)", {3, 2, 1, NA});
  ExpectNumbers("year(d)", {2024, 2024, 1970, NA});
  ExpectNumbers("dayofweek(d)", {4, 3, 3, NA});
  ExpectNumbers("day_of_week(d)", {4, 3, 3, NA});
  ExpectNumbers("dayofyear(d)", {61, 60, 1, NA});
  ExpectNumbers("day_of_year(d)", {61, 60, 1, NA});
  // The same values as the datetime_part step, part for part.
  const Batch table = Table();
  for (const char* part : {"hour", "minute", "day", "month", "year", "day_of_week", "day_of_year"}) {
    auto step = Fitted("datetime_part", {{"columns", {"d"}}, {"part", part}}, {table});
    const Batch done = step->Transform(table, nullptr);
    const Column& want = *done.Get("d");
    const ColumnPtr got = Eval(std::string(part) + "(d)");
    for (int64_t i = 0; i < table.num_rows; ++i) {
      ASSERT_EQ(got->IsNull(i), want.IsNull(i)) << part;
      if (!want.IsNull(i)) EXPECT_EQ(got->f64[i], static_cast<double>(want.i64[i])) << part << " row " << i;
    }
  }
}

TEST(Expression, TextFunctions) {
  EXPECT_EQ(Texts("lower(s)"), (std::vector<std::string>{"cash", "<null>", "credit", "é"}));
  EXPECT_EQ(Texts("upper(c)"), (std::vector<std::string>{"<null>", "NO CHARGE", "DISPUTE", "NO CHARGE"}));
  EXPECT_EQ(Texts("lower('ABC')"), (std::vector<std::string>{"abc", "abc", "abc", "abc"}));
  ExpectNumbers("length(s)", {4, NA, 6, 1});  // characters, not bytes
  ExpectNumbers("length(c)", {NA, 9, 7, 9});
  // A category is lower-cased as the lowercase step does it.
  const Batch table = Table();
  auto step = Fitted("lowercase", {{"columns", {"c"}}}, {table});
  const Batch done = step->Transform(table, nullptr);
  const Column& want = *done.Get("c");
  const ColumnPtr got = Eval("lower(c)");
  for (int64_t i = 0; i < table.num_rows; ++i) {
    ASSERT_EQ(got->IsNull(i), want.IsNull(i));
    if (!want.IsNull(i)) EXPECT_EQ(got->Str(i), want.Category(i));
  }
}

TEST(Expression, OutputTypes) {
  EXPECT_EQ(Eval("n")->type, DataType::kF64);
  EXPECT_EQ(Eval("b")->type, DataType::kBool);
  EXPECT_EQ(Eval("c")->type, DataType::kString);
  EXPECT_EQ(Eval("d")->type, DataType::kTimestamp);
  EXPECT_EQ(Eval("coalesce(d, d)")->type, DataType::kTimestamp);
  EXPECT_EQ(Eval("x > 1")->type, DataType::kBool);
}

// The message of the error `text` gives against Table(): parse or type.
std::string ErrorOf(const std::string& text, ErrorCode code) {
  try {
    Eval(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  ADD_FAILURE() << text << " evaluated";
  return "";
}

TEST(Expression, TypeErrorsNameThePosition) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"x + lower(s)", "\"x + lower(s)\" at 3: '+' needs numbers, got string"},
      {"s * 2", "at 3: '*' needs numbers, got string"},
      {"d - 1", "at 3: '-' needs numbers, got datetime"},
      {"-s", "at 1: '-' needs a number, got string"},
      {"x % c", "at 3: '%' needs numbers, got string"},
      {"x / d", "at 3: '/' needs numbers, got datetime"},
      {"x < s", "at 3: '<' compares two numbers, two strings or two datetimes, got number and string"},
      {"d == 1", "at 3: '==' compares two numbers, two strings or two datetimes, got datetime and number"},
      {"x and b", "at 3: 'and' needs bools, got number"},
      {"b or s", "at 3: 'or' needs bools, got string"},
      {"not x", "at 1: 'not' needs a bool, got number"},
      {"if(x, 1, 2)", "at 4: if() needs a bool condition, got number"},
      {"if(b, 1, s)", "at 1: if()'s two values must be of one type, got number and string"},
      {"coalesce(x, s)", "at 1: coalesce()'s values must be of one type, got number and string"},
      {"nullif(s, 0)", "at 1: nullif()'s two values must be of one type, got string and number"},
      {"log(s)", "at 5: log() needs a number, got string"},
      {"log1p(d)", "at 7: log1p() needs a number, got datetime"},
      {"pow(2, s)", "at 8: pow() needs numbers, got string"},
      {"clip(x, 0, c)", "at 12: clip() needs numbers, got string"},
      {"round(x, n)", "at 10: round()'s digits must be a whole number from -15 to 15 written out"},
      {"round(x, 1.5)", "at 10: round()'s digits must be a whole number"},
      {"hour(x)", "at 6: hour() needs a datetime, got number"},
      {"dayofweek(s)", "at 11: dayofweek() needs a datetime, got string"},
      {"lower(x)", "at 7: lower() needs a string, got number"},
      {"length(d)", "at 8: length() needs a string, got datetime"},
      {"x\t+\n`\xC3\xA9` ", "at 5: no column '\xC3\xA9'"},
      {"absent + 1", "at 1: no column 'absent' (the columns: x, n, b, s, c, d, z, odd name)"},
  };
  for (const auto& [text, message] : cases)
    EXPECT_NE(ErrorOf(text, ErrorCode::kSchema).find(message), std::string::npos)
        << text << "\n  got: " << ErrorOf(text, ErrorCode::kSchema) << "\n want: " << message;
}

TEST(Expression, ParseErrorsNameThePosition) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "at 1: expected a value, got the end"},
      {"x +", "at 4: expected a value, got the end"},
      {"(x + 1", "at 7: expected ')', got the end"},
      {"x + 1)", "at 6: expected an operator or the end, got ')'"},
      {"x = 1", "at 3: '=' is not an operator: compare with '=='"},
      {"x == \"a\"", "at 6: strings are in single quotes"},
      {"s == 'cash", "at 6: the string is not closed"},
      {"`odd name", "at 1: the name in backquotes is not closed"},
      {"``", "at 1: an empty column name"},
      {"x $ 1", "at 3: unexpected character '$'"},
      {"x + \xC3\xA9", "at 5: unexpected byte 0xC3 (names with other characters go in backquotes)"},
      {"1 < x < 3", "at 7: comparisons do not chain"},
      {"system('ls')", "at 1: unknown function 'system' (known: if, coalesce"},
      {"log(x, 2)", "at 1: log() takes 1 argument, got 2"},
      {"clip(x)", "at 1: clip() takes 3 arguments, got 1"},
      {"min(x)", "at 1: min() takes at least 2 arguments, got 1"},
      {"round()", "at 1: round() takes 1 or 2 arguments, got 0"},
      {"lower(s,)", "at 9: expected a value, got ')'"},
      {"12abc", "at 1: malformed number '12a'"},
      {"1e", "at 1: malformed number '1e'"},
      {"1e999", "at 1: the number 1e999 is too large"},
      {"x and or b", "at 7: expected a value, got 'or'"},
      {"x y", "at 3: expected an operator or the end, got 'y'"},
  };
  for (const auto& [text, message] : cases)
    EXPECT_NE(ErrorOf(text, ErrorCode::kModel).find(message), std::string::npos)
        << text << "\n  got: " << ErrorOf(text, ErrorCode::kModel) << "\n want: " << message;
}

TEST(Expression, SizeCapsAreErrors) {
  std::string long_text(expr::kMaxTextBytes + 1, ' ');
  long_text[0] = '1';
  EXPECT_NE(ErrorOf(long_text, ErrorCode::kModel).find("bytes, over the 4096-byte cap"), std::string::npos);
  std::string many = "min(1";  // 300 arguments: past 256 nodes, 2 deep
  for (int i = 0; i < 299; ++i) many += ",1";
  EXPECT_NE(ErrorOf(many + ")", ErrorCode::kModel).find("at 517: the expression has more than 256 parts (the cap)"),
            std::string::npos);
  std::string deep_parens = std::string(40, '(') + "x" + std::string(40, ')');
  EXPECT_NE(ErrorOf(deep_parens, ErrorCode::kModel).find("at 33: the expression nests deeper than 32 levels"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(3000, '-') + "x", ErrorCode::kModel).find("nests deeper than 32 levels"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(2000, '(') , ErrorCode::kModel).find("nests deeper than 32 levels"),
            std::string::npos);
  std::string chain = "x";  // a long left-leaning chain is deep without nesting in the text
  for (int i = 0; i < 40; ++i) chain += " + x";
  EXPECT_NE(ErrorOf(chain, ErrorCode::kModel).find("nests deeper than 32 levels"), std::string::npos);
  // Within the caps: 31 nested parentheses and a chain of 31 additions.
  ExpectNumbers(std::string(31, '(') + "n" + std::string(31, ')'), {3, 0, -2, 7});
  std::string ok = "n";
  for (int i = 0; i < 31; ++i) ok += " + 0";
  ExpectNumbers(ok, {3, 0, -2, 7});
}

TEST(ExpressionStep, MakesAndReplacesColumns) {
  const Batch table = Table();
  auto step = Fitted("expression",
                     {{"columns", {{"x", "coalesce(x, 0) * 2"}, {"ratio", "x / nullif(n, 0)"}, {"late", "hour(d) >= 20"}}}},
                     {table});
  const Batch out = step->Transform(table, nullptr);
  // x is replaced in place; new columns are appended in the order of their names.
  EXPECT_EQ(Names(out), (std::vector<std::string>{"x", "n", "b", "s", "c", "d", "z", "odd name", "late", "ratio"}));
  EXPECT_EQ(out.Get("x")->f64, (std::vector<double>{3, -8, 0, 18}));
  // Every expression reads the step's input: ratio reads the x before it was replaced.
  EXPECT_TRUE(out.Get("ratio")->IsNull(2));
  EXPECT_EQ(out.Get("late")->u8[0], 1);
  EXPECT_EQ(step->params(), Json::parse(R"J({"columns": {"late": "hour(d) >= 20", "ratio": "x / nullif(n, 0)", "x": "coalesce(x, 0) * 2"}})J"));
  EXPECT_EQ(step->SaveState(), Json::object());
}

TEST(ExpressionStep, ErrorsNameTheColumnAndTheExpression) {
  ExpectError([] { MakeStep("expression", {{"columns", {{"f", "x +"}}}}); }, ErrorCode::kModel,
              "expression: column 'f': \"x +\" at 4: expected a value, got the end");
  ExpectError([] { MakeStep("expression", {{"columns", Json::object()}}); }, ErrorCode::kModel,
              "expression: parameter 'columns' must name at least one column");
  ExpectError([] { MakeStep("expression", {{"columns", {{"f", 1}}}}); }, ErrorCode::kModel,
              "expression: parameter 'columns' entry 'f' must be a string");
  ExpectError([] { MakeStep("expression", {{"columns", {"x"}}}); }, ErrorCode::kModel,
              "expression: parameter 'columns' must be a table of name = \"string\"");
  // A type error stops the fit: PartialFit types the expression against the training columns.
  ExpectError([] { Fitted("expression", {{"columns", {{"f", "x + lower(s)"}}}}, {Table()}); }, ErrorCode::kSchema,
              "expression: column 'f': \"x + lower(s)\" at 3: '+' needs numbers, got string");
}

}  // namespace
}  // namespace outcore
