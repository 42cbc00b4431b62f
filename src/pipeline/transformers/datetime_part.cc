// datetime_part: replaces a timestamp column by a calendar part (hour, day of week, ...).
#include "core/batch_ops.h"
#include "pipeline/calendar.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

using Part = CalendarPart;
const char* kPartNames[] = {"hour", "minute", "day_of_week", "day", "month", "year", "day_of_year"};

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
        for (int64_t i = 0; i < in.length; ++i) c->i64[i] = CalendarPartOf(in.i64[i], part);
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
