// datetime_part: replaces a timestamp column by a calendar part (hour, day of week, ...).
#include "core/batch_ops.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

enum class Part { kHour, kMinute, kDayOfWeek, kDay, kMonth, kYear, kDayOfYear };
const char* kPartNames[] = {"hour", "minute", "day_of_week", "day", "month", "year", "day_of_year"};

struct Civil {
  int64_t year;
  int month, day;
};

// Proleptic Gregorian date of a day count since 1970-01-01 (the era-based method of
// H. Hinnant's date algorithms).
Civil CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t PartOf(int64_t micros, Part part) {
  constexpr int64_t kDay = 86400LL * 1000000;
  // Floor division by remainders, which cannot overflow even at INT64_MIN.
  int64_t days = micros / kDay, rest = micros % kDay;
  if (rest < 0) --days, rest += kDay;
  const int64_t in_day = rest / 1000000;  // seconds into the day
  switch (part) {
    case Part::kHour: return in_day / 3600;
    case Part::kMinute: return in_day / 60 % 60;
    case Part::kDayOfWeek: return ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; Monday = 0
    case Part::kDay: return CivilFromDays(days).day;
    case Part::kMonth: return CivilFromDays(days).month;
    case Part::kYear: return CivilFromDays(days).year;
    case Part::kDayOfYear: {
      static const int kBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
      Civil c = CivilFromDays(days);
      return kBefore[c.month - 1] + c.day + (c.month > 2 && IsLeap(c.year));
    }
  }
  return 0;
}

class DatetimePartStep : public Step {
 public:
  explicit DatetimePartStep(const Json& params) {
    columns_ = params.at("columns").get<std::vector<std::string>>();
    const Json& names = params.contains("parts") ? params["parts"] : Json::array({params.at("part")});
    for (const auto& n : names)  // each is one of kPartNames (declared as the choices)
      for (int k = 0; k < 7; ++k)
        if (n == kPartNames[k]) parts_.push_back(static_cast<Part>(k));
    keep_original_ = params.at("keep_original").get<bool>();
  }
  std::string kind() const override { return "datetime_part"; }
  Json params() const override {
    std::vector<std::string> names;
    for (Part part : parts_) names.push_back(kPartNames[static_cast<int>(part)]);
    return {{"columns", columns_}, {"parts", names}, {"keep_original", keep_original_}};
  }
  // One part without keep_original replaces the column under its own name (as the reference
  // pipeline's HourExtractor does); otherwise each part becomes COLUMN_PART.
  Batch Transform(const Batch& batch, TransformStats*) const override {
    Batch out = batch;
    bool in_place = parts_.size() == 1 && !keep_original_;
    for (const auto& name : columns_) {
      const Column& in = *RequireColumn(batch, name, "datetime_part");
      if (in.type != DataType::kTimestamp)
        Fail(ErrorCode::kSchema, "datetime_part: column '" + name + "' is " +
                                     std::string(TypeName(in.type)) +
                                     ", not datetime (list it in parse_dates)");
      for (Part part : parts_) {
        auto c = std::make_shared<Column>(DataType::kI64);
        c->length = in.length;
        c->i64.resize(in.length);
        for (int64_t i = 0; i < in.length; ++i) c->i64[i] = PartOf(in.i64[i], part);
        CopyValidity(in, c.get());
        out.Set(in_place ? name : name + "_" + kPartNames[static_cast<int>(part)], c);
      }
      if (!in_place && !keep_original_) out.Remove(name);
    }
    return out;
  }

 private:
  std::vector<std::string> columns_;
  std::vector<Part> parts_;
  bool keep_original_ = false;
};

}  // namespace

void RegisterDatetimeSteps(std::vector<Registration<Step>>* registry) {
  const std::vector<Json> parts(std::begin(kPartNames), std::end(kPartNames));
  registry->push_back(Registration<Step>::Declare(
      "datetime_part",
      "replace datetime columns by a calendar part: hour, minute, day_of_week (Monday=0), "
      "day, month, year, day_of_year",
      {ParamSpec::StringList("columns").Required().Doc("the datetime columns"),
       ParamSpec::String("part").Default("hour").OneOf(parts).Doc(
           "the one part, replacing the column under its own name (unless keep_original)"),
       ParamSpec::StringList("parts").OneOf(parts).Doc(
           "several parts instead of part, each becoming COLUMN_PART"),
       ParamSpec::Bool("keep_original").Default(false).Doc(
           "keep the datetime column too (the part becomes COLUMN_PART)")},
      [](const Json& p) { return std::make_unique<DatetimePartStep>(p); }));
}

}  // namespace outcore
