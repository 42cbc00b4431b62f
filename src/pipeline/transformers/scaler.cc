// standard_scaler: (x - mean) / std on listed numeric columns, learned in one streaming pass.
#include <cmath>

#include "core/batch_ops.h"
#include "pipeline/params.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

class StandardScalerStep : public Step {
 public:
  explicit StandardScalerStep(const Json& params) {
    columns_ = params.at("columns").get<std::vector<std::string>>();
    ddof_ = params.at("ddof").get<int64_t>();
    with_mean_ = params.at("with_mean").get<bool>();
    with_std_ = params.at("with_std").get<bool>();
  }
  std::string kind() const override { return "standard_scaler"; }
  Json params() const override {
    return {{"columns", columns_}, {"ddof", ddof_}, {"with_mean", with_mean_}, {"with_std", with_std_}};
  }

  void Reset() override { moments_.assign(columns_.size(), {}); }

  // Chan et al.'s pairwise update: merges each batch's (count, mean, M2) into the running
  // totals, which stays accurate where a sum of squares would cancel.
  void PartialFit(const Batch& batch) override {
    if (moments_.size() != columns_.size()) Reset();
    for (size_t j = 0; j < columns_.size(); ++j) {
      const Column& in = *RequireColumn(batch, columns_[j], "standard_scaler");
      CheckNumeric(in, columns_[j]);
      double n = 0, sum = 0;
      for (int64_t i = 0; i < in.length; ++i)
        if (!in.IsNull(i)) n += 1, sum += in.AsDouble(i);
      if (n == 0) continue;
      double mean = sum / n, m2 = 0;
      for (int64_t i = 0; i < in.length; ++i)
        if (!in.IsNull(i)) m2 += (in.AsDouble(i) - mean) * (in.AsDouble(i) - mean);
      Moments& m = moments_[j];
      double total = m.n + n, delta = mean - m.mean;
      m.m2 += m2 + delta * delta * m.n * n / total;
      m.mean += delta * n / total;
      m.n = total;
    }
  }

  void FinishFit() override {
    mean_.clear();
    scale_.clear();
    count_.clear();
    for (const Moments& m : moments_) {
      double dof = m.n - static_cast<double>(ddof_);
      double var = dof > 0 ? m.m2 / dof : 0;
      double sd = std::sqrt(var);
      mean_.push_back(with_mean_ ? m.mean : 0.0);
      // A constant column is left unscaled, as scikit-learn does.
      scale_.push_back(with_std_ && sd > 0 && std::isfinite(sd) ? sd : 1.0);
      count_.push_back(m.n);
    }
  }

  Batch Transform(const Batch& batch, TransformStats*) const override {
    Batch out = batch;
    for (size_t j = 0; j < columns_.size(); ++j) {
      const Column& in = *RequireColumn(batch, columns_[j], "standard_scaler");
      CheckNumeric(in, columns_[j]);
      auto c = std::make_shared<Column>(DataType::kF64);
      c->length = in.length;
      c->f64.resize(in.length);
      // Divided, not multiplied by 1 / scale: scikit-learn's order of operations, so that a
      // converted StandardScaler (outcore.from_sklearn) gives its numbers bit for bit.
      const double mu = mean_[j], scale = scale_[j];
      if (in.type == DataType::kF64) {
        for (int64_t i = 0; i < in.length; ++i) c->f64[i] = (in.f64[i] - mu) / scale;
      } else {
        for (int64_t i = 0; i < in.length; ++i) c->f64[i] = (in.AsDouble(i) - mu) / scale;
      }
      CopyValidity(in, c.get());
      out.Set(columns_[j], c);
    }
    return out;
  }

  Json SaveState() const override { return {{"mean", mean_}, {"scale", scale_}, {"count", count_}}; }

  void LoadState(const Json& state) override {
    StateReader r("standard_scaler", state, {"mean", "scale"});
    const int64_t n = static_cast<int64_t>(columns_.size());
    mean_ = r.Numbers("mean", n, "column in params.columns");
    scale_ = r.Numbers("scale", n, "column in params.columns");
    count_ = state.contains("count") ? r.Numbers("count", n, "column in params.columns")
                                     : std::vector<double>(n, 0);
    for (int64_t j = 0; j < n; ++j) {
      if (!(scale_[j] > 0)) r.Bad("scale[" + std::to_string(j) + "]", "must be > 0");
      if (count_[j] < 0) r.Bad("count[" + std::to_string(j) + "]", "must be >= 0");
    }
  }

 private:
  struct Moments {
    double n = 0, mean = 0, m2 = 0;
  };
  static void CheckNumeric(const Column& c, const std::string& name) {
    if (!IsNumeric(c.type))
      Fail(ErrorCode::kSchema, "standard_scaler: column '" + name + "' is " +
                                   std::string(TypeName(c.type)) + ", not a number");
  }

  std::vector<std::string> columns_;
  int64_t ddof_ = 0;
  bool with_mean_ = true, with_std_ = true;
  std::vector<Moments> moments_;
  std::vector<double> mean_, scale_, count_;
};

}  // namespace

void RegisterScalerSteps(std::vector<Registration<Step>>* registry) {
  registry->push_back(Registration<Step>::Declare(
      "standard_scaler", "centre and scale numeric columns: (x - mean) / std; missing stay missing",
      {ParamSpec::StringList("columns").Required().Doc("the numeric columns to scale"),
       ParamSpec::Int("ddof").Default(0).OneOf({0, 1}, {"scikit-learn", "pandas .std()"}).Doc(
           "delta degrees of freedom of the std"),
       ParamSpec::Bool("with_mean").Default(true).Doc("subtract the mean"),
       ParamSpec::Bool("with_std").Default(true).Doc("divide by the std")},
      [](const Json& p) { return std::make_unique<StandardScalerStep>(p); }));
}

}  // namespace outcore
