#include <cmath>

#include "outcore/error.h"
#include "outcore/pipeline.h"

namespace outcore {

Batch Pipeline::Transform(const Batch& batch, TransformStats* stats) const {
  Batch current = batch;
  for (const auto& step : steps) current = step->Transform(current, stats);
  return current;
}

Features Pipeline::ToFeatures(const Batch& transformed) const {
  Features f;
  f.rows = transformed.num_rows;
  f.names = feature_names;
  f.values.resize(static_cast<size_t>(f.rows) * f.names.size());
  for (size_t j = 0; j < f.names.size(); ++j) {
    int idx = transformed.schema.IndexOf(f.names[j]);
    if (idx < 0)
      Fail(ErrorCode::kSchema, "feature '" + f.names[j] + "' was not produced by the steps");
    const Column& c = *transformed.columns[idx];
    double* out = f.col(j);
    if (c.type == DataType::kF64 && c.null_count == 0) {
      std::copy(c.f64.begin(), c.f64.end(), out);
    } else if (IsNumeric(c.type)) {
      for (int64_t i = 0; i < f.rows; ++i) out[i] = c.AsDouble(i);  // NaN when missing
    } else {
      Fail(ErrorCode::kSchema, "feature '" + f.names[j] + "' is " + std::string(TypeName(c.type)) +
                                   ", not a number: add a one_hot step for it, or drop it");
    }
  }
  return f;
}

void Estimator::SetClasses(const std::vector<std::string>& classes) {
  const size_t k = classes.size();
  if (k != 2)
    Fail(ErrorCode::kInvalidInput, kind() + " is a binary classifier and the target has " + std::to_string(k) +
                                       " classes (logistic_regression, gradient_boosting_classifier and "
                                       "random_forest_classifier fit more than two)");
}

std::vector<double> Pipeline::Predict(const Batch& batch, TransformStats* stats) const {
  Features f = ToFeatures(Transform(batch, stats));
  std::vector<double> out(f.rows * estimator->n_outputs());
  estimator->Predict(f, out.data());
  return out;
}

}  // namespace outcore
