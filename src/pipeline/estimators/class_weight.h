#pragma once
// class_weight, scikit-learn's meaning, shared by every classifier: "balanced" weighs each row
// by n / (k * rows of its class); a table {class = weight} weighs the rows of the classes it
// names (1 for the others). The weights act as row weights in the fit's objective.
#include <string>
#include <vector>

#include "outcore/param_spec.h"

namespace outcore {

/// The class_weight parameter as every classifier declares it (no default: all rows weigh 1).
ParamSpec ClassWeightParam();

/// The weight of each class given the labels y (class indices into `classes`), or an empty
/// vector when class_weight is unset (null). A table key that is not a class is a kInvalidInput
/// error naming the key and the classes, so that a typo does not go unnoticed.
std::vector<double> ClassWeights(const std::string& kind, const Json& class_weight,
                                 const std::vector<std::string>& classes, const std::vector<double>& y);

/// weights[y_i] for every row; empty when `weights` is empty.
std::vector<double> RowWeights(const std::vector<double>& weights, const std::vector<double>& y);

}  // namespace outcore
