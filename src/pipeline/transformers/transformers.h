#pragma once
// The built-in transformers. Each file defines one or two steps and a Register function that
// declares each step's parameters (ParamSpec); a step's constructor receives parameters already
// checked against that declaration, with the defaults filled in.
#include <vector>

#include "outcore/pipeline.h"

namespace outcore {

void RegisterColumnSteps(std::vector<Registration<Step>>* registry);     // select, drop
void RegisterDatetimeSteps(std::vector<Registration<Step>>* registry);   // datetime_part
void RegisterTextSteps(std::vector<Registration<Step>>* registry);       // lowercase, strip
void RegisterCategorySteps(std::vector<Registration<Step>>* registry);   // categories, one_hot, ordinal
void RegisterScalerSteps(std::vector<Registration<Step>>* registry);     // standard_scaler
void RegisterImputerSteps(std::vector<Registration<Step>>* registry);    // imputer
void RegisterExpressionSteps(std::vector<Registration<Step>>* registry); // expression

/// The batch's column `name`, or a kSchema error naming the step and what the batch has.
const ColumnPtr& RequireColumn(const Batch& batch, const std::string& name,
                               const std::string& step_kind);

}  // namespace outcore
