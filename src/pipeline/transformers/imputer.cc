// imputer: fills missing values with a learned or given value.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/batch_ops.h"
#include "pipeline/params.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

enum class Strategy { kMean, kMedian, kMostFrequent, kConstant };

class ImputerStep : public Step {
 public:
  explicit ImputerStep(const Json& params) {
    columns_ = params.at("columns").get<std::vector<std::string>>();
    const std::string s = params.at("strategy").get<std::string>();  // one of the declared choices
    strategy_ = s == "median" ? Strategy::kMedian
                : s == "most_frequent" ? Strategy::kMostFrequent
                : s == "constant" ? Strategy::kConstant
                                  : Strategy::kMean;
    strategy_name_ = s;
    if (strategy_ == Strategy::kConstant) {
      if (!params.contains("fill_value")) BadParam("imputer", "fill_value", "is required with strategy = \"constant\"");
      fill_value_ = params["fill_value"];
    }
  }
  std::string kind() const override { return "imputer"; }
  Json params() const override {
    Json p = {{"columns", columns_}, {"strategy", strategy_name_}};
    if (strategy_ == Strategy::kConstant) p["fill_value"] = fill_value_;
    return p;
  }

  void Reset() override { seen_.assign(columns_.size(), {}); fills_.clear(); }

  void PartialFit(const Batch& batch) override {
    if (seen_.size() != columns_.size()) Reset();
    if (strategy_ == Strategy::kConstant) return;
    for (size_t j = 0; j < columns_.size(); ++j) {
      const Column& in = *RequireColumn(batch, columns_[j], "imputer");
      Seen& s = seen_[j];
      bool numeric = IsNumeric(in.type);
      if (!numeric && strategy_ != Strategy::kMostFrequent)
        Fail(ErrorCode::kSchema, "imputer: column '" + columns_[j] + "' is " +
                                     std::string(TypeName(in.type)) + "; strategy '" +
                                     strategy_name_ + "' needs numbers (use most_frequent or constant)");
      for (int64_t i = 0; i < in.length; ++i) {
        if (in.IsNull(i)) continue;
        if (!numeric) {
          s.text_counts[in.ToString(i)]++;
        } else if (strategy_ == Strategy::kMostFrequent) {
          s.number_counts[in.AsDouble(i)]++;
        } else {
          s.values.push_back(in.AsDouble(i));
        }
      }
    }
  }

  void FinishFit() override {
    fills_.clear();
    for (size_t j = 0; j < columns_.size(); ++j) {
      if (strategy_ == Strategy::kConstant) {
        fills_.push_back(fill_value_);
        continue;
      }
      Seen& s = seen_[j];
      Json fill;  // null when the column had no values at fit
      if (!s.text_counts.empty()) {
        fill = MostFrequent(s.text_counts);
      } else if (!s.number_counts.empty()) {
        fill = MostFrequent(s.number_counts);
      } else if (!s.values.empty()) {
        std::vector<double>& v = s.values;
        if (strategy_ == Strategy::kMean) {
          double sum = 0;
          for (double x : v) sum += x;
          fill = sum / v.size();
        } else {  // median, averaging the middle pair as numpy does
          size_t mid = v.size() / 2;
          std::nth_element(v.begin(), v.begin() + mid, v.end());
          double hi = v[mid];
          fill = v.size() % 2 ? hi : (*std::max_element(v.begin(), v.begin() + mid) + hi) / 2;
        }
      }
      fills_.push_back(fill);
    }
    seen_.clear();
  }

  Batch Transform(const Batch& batch, TransformStats* stats) const override {
    Batch out = batch;
    for (size_t j = 0; j < columns_.size(); ++j) {
      const ColumnPtr& in = RequireColumn(batch, columns_[j], "imputer");
      if (in->null_count == 0 || fills_[j].is_null()) continue;
      if (stats) stats->Add("imputer:" + columns_[j] + ":filled", in->null_count);
      out.Set(columns_[j], Fill(*in, fills_[j], columns_[j]));
    }
    return out;
  }

  Json SaveState() const override { return {{"fill", fills_}}; }
  void LoadState(const Json& state) override {
    StateReader r("imputer", state, {"fill"});
    const Json& fill = r.Array("fill", static_cast<int64_t>(columns_.size()), "column in params.columns");
    fills_.clear();
    for (size_t j = 0; j < fill.size(); ++j) {
      const Json& f = fill[j];
      const std::string at = "fill[" + std::to_string(j) + "]";
      if (f.is_number()) r.Number(f, at);  // finite
      else if (!f.is_null() && !f.is_string()) r.Bad(at, "must be a number, a string or null");
      fills_.push_back(f);
    }
  }

 private:
  struct Seen {
    std::vector<double> values;
    std::map<double, int64_t> number_counts;
    std::map<std::string, int64_t> text_counts;
  };
  // Ties go to the smallest value, as in scikit-learn.
  template <typename K>
  static K MostFrequent(const std::map<K, int64_t>& counts) {
    auto best = counts.begin();
    for (auto it = counts.begin(); it != counts.end(); ++it)
      if (it->second > best->second) best = it;
    return best->first;
  }

  static ColumnPtr Fill(const Column& in, const Json& fill, const std::string& name) {
    if (IsNumeric(in.type)) {
      if (!fill.is_number())
        Fail(ErrorCode::kSchema, "imputer: column '" + name + "' is numeric but the fill value is text");
      double v = fill.get<double>();
      auto c = std::make_shared<Column>(DataType::kF64);
      c->length = in.length;
      c->f64.resize(in.length);
      for (int64_t i = 0; i < in.length; ++i) c->f64[i] = in.IsNull(i) ? v : in.AsDouble(i);
      return c;
    }
    std::string v = fill.is_string() ? fill.get<std::string>() : fill.dump();
    auto c = std::make_shared<Column>(DataType::kString);
    c->length = in.length;
    c->offsets.push_back(0);
    for (int64_t i = 0; i < in.length; ++i) {
      c->chars += in.IsNull(i) ? v : in.ToString(i);
      c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
    }
    return c;
  }

  std::vector<std::string> columns_;
  Strategy strategy_ = Strategy::kMean;
  std::string strategy_name_;
  Json fill_value_;
  std::vector<Seen> seen_;
  std::vector<Json> fills_;
};

}  // namespace

void RegisterImputerSteps(std::vector<Registration<Step>>* registry) {
  registry->push_back(Registration<Step>::Declare(
      "imputer", "fill missing values: mean, median, most_frequent or a constant",
      {ParamSpec::StringList("columns").Required().Doc("the columns to fill"),
       ParamSpec::String("strategy").Default("mean").OneOf({"mean", "median", "most_frequent", "constant"}).Doc(
           "what fills a missing value: the column's mean, median or most frequent value at fit, or fill_value"),
       ParamSpec::NumberOrString("fill_value").Doc("the value for strategy = \"constant\" (required there)")},
      [](const Json& p) { return std::make_unique<ImputerStep>(p); }));
}

}  // namespace outcore
