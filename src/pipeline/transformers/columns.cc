// select and drop: choose which columns flow on.
#include "pipeline/transformers/transformers.h"

namespace outcore {

const ColumnPtr& RequireColumn(const Batch& batch, const std::string& name,
                               const std::string& step_kind) {
  int i = batch.schema.IndexOf(name);
  if (i < 0) {
    std::string have;
    for (const auto& f : batch.schema.fields()) have += (have.empty() ? "" : ", ") + f.name;
    Fail(ErrorCode::kSchema,
         step_kind + ": column '" + name + "' is not in the data (columns: " + have + ")");
  }
  return batch.columns[i];
}

namespace {

class SelectStep : public Step {
 public:
  explicit SelectStep(const Json& params) : columns_(params.at("columns").get<std::vector<std::string>>()) {}
  std::string kind() const override { return "select"; }
  Json params() const override { return {{"columns", columns_}}; }
  Batch Transform(const Batch& batch, TransformStats*) const override {
    Batch out;
    out.num_rows = batch.num_rows;
    for (const auto& name : columns_) out.Add(name, RequireColumn(batch, name, "select"));
    return out;
  }

 private:
  std::vector<std::string> columns_;
};

class DropStep : public Step {
 public:
  explicit DropStep(const Json& params) : columns_(params.at("columns").get<std::vector<std::string>>()) {}
  std::string kind() const override { return "drop"; }
  Json params() const override { return {{"columns", columns_}}; }
  Batch Transform(const Batch& batch, TransformStats*) const override {
    Batch out = batch;
    for (const auto& name : columns_) out.Remove(name);
    return out;
  }

 private:
  std::vector<std::string> columns_;
};

}  // namespace

void RegisterColumnSteps(std::vector<Registration<Step>>* registry) {
  registry->push_back(Registration<Step>::Declare(
      "select", "keep only the listed columns, in that order",
      {ParamSpec::StringList("columns").Required().Doc("the columns to keep, in this order")},
      [](const Json& p) { return std::make_unique<SelectStep>(p); }));
  registry->push_back(Registration<Step>::Declare(
      "drop", "remove the listed columns (absent ones are ignored)",
      {ParamSpec::StringList("columns").Required().Doc("the columns to remove")},
      [](const Json& p) { return std::make_unique<DropStep>(p); }));
}

}  // namespace outcore
