// expression: new columns from safe expressions (src/pipeline/expression/), e.g.
//   [steps.columns]
//   fare_per_mile = "Fare_Amt / nullif(Trip_Distance, 0)"
// Each expression is parsed when the step is made (a spec or a model file), typed against the
// columns it is given (at fit, and on every batch: the tree is small) and evaluated over the
// whole batch. Every expression reads the step's input; a column of an existing name is
// replaced in place, new ones are appended in the order of their names.
#include "pipeline/expression/expression.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

constexpr size_t kMaxColumns = 1000;

class ExpressionStep : public Step {
 public:
  explicit ExpressionStep(const Json& params) {
    const Json& columns = params.at("columns");  // a table of strings (declared)
    if (columns.empty()) BadParam("expression", "columns", "must name at least one column");
    if (columns.size() > kMaxColumns)
      BadParam("expression", "columns", "has " + std::to_string(columns.size()) + " entries, over the cap of " +
                                            std::to_string(kMaxColumns));
    for (auto it = columns.begin(); it != columns.end(); ++it) {  // no structured bindings: clang 14 cannot capture them
      const std::string& name = it.key();
      if (name.empty()) BadParam("expression", "columns", "has an empty column name");
      const std::string text = it.value().get<std::string>();
      Within(name, [&] { columns_.push_back({name, expr::Expression::Parse(text)}); });
    }
  }
  std::string kind() const override { return "expression"; }
  Json params() const override {
    Json columns = Json::object();
    for (const auto& [name, e] : columns_) columns[name] = e.text();
    return {{"columns", columns}};
  }
  // Types every expression against the training columns: a type error stops the fit here.
  void PartialFit(const Batch& batch) override {
    for (const auto& column : columns_) Within(column.first, [&] { column.second.Check(batch.schema); });
  }
  Batch Transform(const Batch& batch, TransformStats*) const override {
    std::vector<ColumnPtr> made(columns_.size());
    for (size_t i = 0; i < columns_.size(); ++i)
      Within(columns_[i].first, [&] { made[i] = columns_[i].second.Evaluate(batch); });
    Batch out = batch;
    for (size_t i = 0; i < columns_.size(); ++i) out.Set(columns_[i].first, made[i]);
    return out;
  }

 private:
  // Runs fn; its error gets "expression: column 'NAME': " in front, keeping its code.
  template <typename Fn>
  static void Within(const std::string& name, Fn fn) {
    try {
      fn();
    } catch (const Error& e) {
      Fail(e.code(), "expression: column '" + name + "': " + e.what());
    }
  }

  std::vector<std::pair<std::string, expr::Expression>> columns_;
};

}  // namespace

void RegisterExpressionSteps(std::vector<Registration<Step>>* registry) {
  registry->push_back(Registration<Step>::Declare(
      "expression",
      "new columns from expressions over the columns: arithmetic, comparisons, and/or/not, if(), "
      "coalesce(), nullif(), log(), clip(), hour(), lower(), ... (docs/spec.md)",
      {ParamSpec::StringTable("columns").Required().Doc(
          "name = \"expression\" for each column to make (or replace)")},
      [](const Json& p) { return std::make_unique<ExpressionStep>(p); }));
}

}  // namespace outcore
