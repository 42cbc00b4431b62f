// categories (a fixed list per column; other values become missing), one_hot and ordinal.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/batch_ops.h"
#include "pipeline/params.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

// Code of each value of `in` in `index`, or -1 for values not there and for missing values.
// For a category column the lookup is per dictionary entry, not per row.
std::vector<int32_t> LookUp(const Column& in, const std::unordered_map<std::string, int32_t>& index,
                            const std::string& step, const std::string& name) {
  std::vector<int32_t> out(in.length, -1);
  auto find = [&](std::string_view v) {
    auto it = index.find(std::string(v));
    return it == index.end() ? -1 : it->second;
  };
  if (in.type == DataType::kCategory) {
    std::vector<int32_t> remap;
    for (const auto& v : *in.dict) remap.push_back(find(v));
    for (int64_t i = 0; i < in.length; ++i)
      if (!in.IsNull(i)) out[i] = remap[in.codes[i]];
  } else if (in.type == DataType::kString) {
    for (int64_t i = 0; i < in.length; ++i)
      if (!in.IsNull(i)) out[i] = find(in.Str(i));
  } else {
    for (int64_t i = 0; i < in.length; ++i)
      if (!in.IsNull(i)) out[i] = find(in.ToString(i));
  }
  return out;
}

// The value of row i as text, for an error message.
std::string ValueText(const Column& in, int64_t i) {
  if (in.type == DataType::kCategory) return std::string(in.Category(i));
  if (in.type == DataType::kString) return std::string(in.Str(i));
  return in.ToString(i);
}

// on_unknown: "ignore" (count the value as drift) or "error" (stop on it).
ParamSpec OnUnknown() {
  return ParamSpec::String("on_unknown").Default("ignore").OneOf({"ignore", "error"}).Doc(
      "a value not seen at fit: \"ignore\" counts it as drift, \"error\" stops predict on it");
}
bool UnknownIsError(const Json& params) { return params.at("on_unknown") == "error"; }

// With on_unknown = "error" and outside fit: stops on row i, a value the step was not fitted on.
void RefuseUnknown(const std::string& step, const std::string& column, const Column& in, int64_t i) {
  throw UnknownValueError(step + ": column '" + column + "' has the value '" + ValueText(in, i) +
                              "', which was not seen at fit (on_unknown = \"error\")",
                          i);
}

std::unordered_map<std::string, int32_t> IndexOf(const Dictionary& values) {
  std::unordered_map<std::string, int32_t> index;
  for (size_t k = 0; k < values.size(); ++k) index.emplace(values[k], static_cast<int32_t>(k));
  return index;
}

// The values of columns counted over batches, for one_hot and ordinal: the columns named (or,
// with none named, every category and string column of the first batch), each value's count,
// and whether all of a column's batches share one declared dictionary (a `categories` step's).
struct ValueCounts {
  std::string name;
  DictionaryPtr dict;
  bool fixed = true;
  bool numbers = true;  // every batch held the column as a number (float or int)
  std::unordered_map<std::string, int64_t> counts;
};

void CountValues(const Batch& batch, const std::vector<std::string>& columns, const std::string& step,
                 std::vector<ValueCounts>* learning) {
  if (learning->empty()) {
    std::vector<std::string> names = columns;
    if (names.empty())
      for (const auto& f : batch.schema.fields())
        if (f.type == DataType::kCategory || f.type == DataType::kString) names.push_back(f.name);
    for (const auto& n : names) learning->push_back({n, nullptr, true, true, {}});
  }
  for (auto& l : *learning) {
    const Column& in = *RequireColumn(batch, l.name, step);
    l.numbers = l.numbers && (in.type == DataType::kF64 || in.type == DataType::kI64);
    if (in.type == DataType::kCategory) {
      l.fixed = l.fixed && in.declared_dict && (l.dict == nullptr || l.dict == in.dict);
      l.dict = in.dict;
      std::vector<int64_t> used(in.dict->size(), 0);
      for (int64_t i = 0; i < in.length; ++i)
        if (!in.IsNull(i)) ++used[in.codes[i]];
      for (size_t k = 0; k < used.size(); ++k)
        if (used[k]) l.counts[(*in.dict)[k]] += used[k];
    } else {
      l.fixed = false;
      for (int64_t i = 0; i < in.length; ++i)
        if (!in.IsNull(i)) ++l.counts[in.ToString(i)];
    }
  }
}

// A column's categories: its declared dictionary's list, in its order, seen or not; otherwise
// the values seen, sorted as text (byte order: for UTF-8, code point order, as Python sorts
// text) or, with `numbers_by_value` and a column of numbers, by value (as scikit-learn sorts a
// numeric column's categories).
Dictionary CategoryOrder(const ValueCounts& l, bool numbers_by_value = false) {
  if (l.fixed && l.dict) return *l.dict;
  Dictionary order;
  for (const auto& [value, n] : l.counts) order.push_back(value);
  if (numbers_by_value && l.numbers) {
    std::vector<std::pair<double, std::string>> keyed;
    for (auto& v : order) keyed.push_back({std::stod(v), std::move(v)});  // the column's own text of a number
    std::sort(keyed.begin(), keyed.end());
    for (size_t k = 0; k < keyed.size(); ++k) order[k] = std::move(keyed[k].second);
  } else {
    std::sort(order.begin(), order.end());
  }
  return order;
}

// Reads the state of one_hot or ordinal (`kind`), {"columns": [{"column": name, "categories":
// [distinct values]} and, where `optional` names it, that key too]: the columns in order, each
// once, the same ones as params.columns when that lists them. Calls
// add(reader, entry, path, name, categories) for each.
template <typename AddColumn>
void ReadColumnsState(const std::string& kind, const Json& state, const std::vector<std::string>& params_columns,
                      const char* optional, AddColumn add) {
  StateReader r(kind, state, {"columns"});
  const Json& columns = r.Array("columns", params_columns.empty() ? -1 : static_cast<int64_t>(params_columns.size()),
                                "name in params.columns");
  std::set<std::string> names;
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string at = "columns[" + std::to_string(i) + "]";
    const Json& c = columns[i];
    const size_t keys = c.is_object() ? c.size() - (optional && c.contains(optional)) : 0;
    if (!c.is_object() || keys != 2 || !c.contains("column") || !c["column"].is_string() || !c.contains("categories"))
      r.Bad(at, "must be {\"column\": name, \"categories\": [values]}");
    std::string name = c["column"].get<std::string>();
    if (!params_columns.empty() && name != params_columns[i])
      r.Bad(at + ".column", "is '" + name + "' but params.columns[" + std::to_string(i) + "] is '" + params_columns[i] + "'");
    if (!names.insert(name).second) r.Bad(at + ".column", "'" + name + "' is listed twice");
    add(r, c, at, std::move(name), r.DistinctStrings(c["categories"], at + ".categories"));
  }
}

class CategoriesStep : public Step {
 public:
  explicit CategoriesStep(const Json& params) {
    unknown_is_error_ = UnknownIsError(params);
    const Json& categories = params.at("categories");  // a table of string lists (declared)
    if (categories.empty()) BadParam("categories", "categories", "must be a table of column = [values]");
    for (auto& [column, values] : categories.items()) {
      auto dict = std::make_shared<Dictionary>(values.get<Dictionary>());
      if (std::set<std::string>(dict->begin(), dict->end()).size() != dict->size())
        BadParam("categories", "categories", "entry '" + column + "' lists a value twice");
      columns_.push_back({column, dict, IndexOf(*dict)});
    }
  }
  std::string kind() const override { return "categories"; }
  Json params() const override {
    Json cats = Json::object();
    for (const auto& c : columns_) cats[c.name] = *c.values;
    return {{"categories", cats}, {"on_unknown", unknown_is_error_ ? "error" : "ignore"}};
  }
  Batch Transform(const Batch& batch, TransformStats* stats) const override {
    Batch out = batch;
    for (const auto& c : columns_) {
      const Column& in = *RequireColumn(batch, c.name, "categories");
      std::vector<int32_t> codes = LookUp(in, c.index, "categories", c.name);
      auto col = std::make_shared<Column>(DataType::kCategory);
      col->length = in.length;
      col->dict = c.values;
      col->declared_dict = true;
      col->codes.resize(in.length);
      int64_t unknown = 0;
      for (int64_t i = 0; i < in.length; ++i) {
        if (codes[i] < 0) {
          if (unknown_is_error_ && !in.IsNull(i) && !(stats && stats->lenient))
            RefuseUnknown("categories", c.name, in, i);
          unknown += !in.IsNull(i);
          col->SetNull(i);
          col->codes[i] = 0;
        } else {
          col->codes[i] = codes[i];
        }
      }
      if (stats) stats->Add("categories:" + c.name + ":unknown", unknown);
      out.Set(c.name, col);
    }
    return out;
  }

 private:
  struct Entry {
    std::string name;
    DictionaryPtr values;
    std::unordered_map<std::string, int32_t> index;
  };
  std::vector<Entry> columns_;
  bool unknown_is_error_ = false;
};

// One 0/1 float column per category, named COLUMN_VALUE, appended after the other columns
// (the layout of pandas.get_dummies). With more than max_categories values, the
// max_categories - 1 most frequent keep their own column and the rest share one,
// COLUMN_infrequent, last (scikit-learn's OneHotEncoder(max_categories=...) rule, ties
// included). Missing values give all zeros; unknown values give COLUMN_infrequent when the
// column has one (handle_unknown="infrequent_if_exist"), else all zeros.
class OneHotStep : public Step {
 public:
  static constexpr int64_t kDefaultMaxCategories = 100;

  explicit OneHotStep(const Json& params) {
    if (params.contains("columns")) columns_ = params["columns"].get<std::vector<std::string>>();
    max_categories_ = params.at("max_categories").get<int64_t>();
    unknown_is_error_ = UnknownIsError(params);
  }
  std::string kind() const override { return "one_hot"; }
  Json params() const override {
    Json p = {{"max_categories", max_categories_}, {"on_unknown", unknown_is_error_ ? "error" : "ignore"}};
    if (!columns_.empty()) p["columns"] = columns_;
    return p;
  }

  void Reset() override { learning_.clear(); fitted_.clear(); }

  void PartialFit(const Batch& batch) override { CountValues(batch, columns_, "one_hot", &learning_); }

  // The categories of each column (CategoryOrder), then max_categories as scikit-learn applies
  // it: a stable sort by count, ascending, in that order; all but the last max_categories - 1
  // are infrequent (so of values seen equally often, the later ones keep their column). As
  // there, the infrequent column counts even before it exists: a column of exactly
  // max_categories values gets one infrequent.
  void FinishFit() override {
    fitted_.clear();
    for (auto& l : learning_) {
      Dictionary order = CategoryOrder(l);
      Dictionary values, infrequent;
      if (static_cast<int64_t>(order.size()) < max_categories_) {
        values = std::move(order);
      } else {
        std::vector<int64_t> count(order.size()), by_count(order.size());
        for (size_t k = 0; k < order.size(); ++k) {
          auto it = l.counts.find(order[k]);
          count[k] = it == l.counts.end() ? 0 : it->second;
          by_count[k] = static_cast<int64_t>(k);
        }
        std::stable_sort(by_count.begin(), by_count.end(),
                         [&](int64_t a, int64_t b) { return count[a] < count[b]; });
        std::vector<uint8_t> frequent(order.size(), 0);
        for (size_t r = order.size() - (max_categories_ - 1); r < order.size(); ++r) frequent[by_count[r]] = 1;
        for (size_t k = 0; k < order.size(); ++k) (frequent[k] ? values : infrequent).push_back(order[k]);
      }
      Add(l.name, std::move(values), std::move(infrequent));
    }
    learning_.clear();
  }

  std::vector<std::pair<std::string, int64_t>> FeaturesPerColumn() const override {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& f : fitted_) out.push_back({f.name, f.width()});
    return out;
  }

  Batch Transform(const Batch& batch, TransformStats* stats) const override {
    Batch out = batch;
    for (const auto& f : fitted_) out.Remove(f.name);
    std::unordered_set<std::string> taken;
    for (const auto& field : out.schema.fields()) taken.insert(field.name);
    for (const auto& f : fitted_) {
      const Column& in = *RequireColumn(batch, f.name, "one_hot");
      std::vector<int32_t> codes = LookUp(in, f.index, "one_hot", f.name);
      int64_t unknown = 0;
      for (int64_t i = 0; i < in.length; ++i) {
        if (codes[i] >= 0 || in.IsNull(i)) continue;
        if (unknown_is_error_ && !(stats && stats->lenient)) RefuseUnknown("one_hot", f.name, in, i);
        ++unknown;
        if (!f.infrequent.empty()) codes[i] = static_cast<int32_t>(f.values.size());
      }
      if (stats) stats->Add("one_hot:" + f.name + ":unknown", unknown);
      std::vector<std::shared_ptr<Column>> cols(f.width());
      for (auto& col : cols) {
        col = std::make_shared<Column>(DataType::kF64);
        col->length = in.length;
        col->f64.assign(in.length, 0.0);
      }
      for (int64_t i = 0; i < in.length; ++i)
        if (codes[i] >= 0) cols[codes[i]]->f64[i] = 1.0;
      for (int64_t k = 0; k < f.width(); ++k) {
        const bool other = k == static_cast<int64_t>(f.values.size());
        std::string name = f.name + "_" + (other ? "infrequent" : f.values[k]);
        // Two features of one name would both read the first: refuse rather than mix them up.
        if (!taken.insert(name).second)
          Fail(ErrorCode::kSchema, "one_hot: the column for " +
                                       (other ? "the infrequent values" : "value '" + f.values[k] + "'") +
                                       " of '" + f.name + "' would be named '" + name +
                                       "', which the data already has");
        out.Add(std::move(name), cols[k]);
      }
    }
    return out;
  }

  // Each column's categories; "infrequent" (the values that share COLUMN_infrequent) only
  // when there are some, so a file written before max_categories reads the same.
  Json SaveState() const override {
    Json cols = Json::array();
    for (const auto& f : fitted_) {
      Json c = {{"column", f.name}, {"categories", f.values}};
      if (!f.infrequent.empty()) c["infrequent"] = f.infrequent;
      cols.push_back(c);
    }
    return {{"columns", cols}};
  }

  // The columns and their categories, in order; when params list the columns, the same ones.
  void LoadState(const Json& state) override {
    fitted_.clear();
    ReadColumnsState("one_hot", state, columns_, "infrequent",
                     [&](const StateReader& r, const Json& c, const std::string& at, std::string name, Dictionary values) {
                       Dictionary infrequent;
                       if (c.contains("infrequent")) {
                         infrequent = r.DistinctStrings(c["infrequent"], at + ".infrequent");
                         if (infrequent.empty()) r.Bad(at + ".infrequent", "is empty (leave it out instead)");
                         std::set<std::string> listed(values.begin(), values.end());
                         for (const auto& v : infrequent)
                           if (listed.count(v)) r.Bad(at + ".infrequent", "'" + v + "' is also in categories");
                       }
                       Add(std::move(name), std::move(values), std::move(infrequent));
                     });
  }

 private:
  void Add(std::string name, Dictionary values, Dictionary infrequent) {
    auto index = IndexOf(values);
    if (index.size() != values.size())
      Fail(ErrorCode::kModel, "one_hot: column '" + name + "' lists a category twice");
    for (const auto& v : infrequent) index.emplace(v, static_cast<int32_t>(values.size()));
    fitted_.push_back({std::move(name), std::move(values), std::move(infrequent), std::move(index)});
  }
  struct Fitted {
    std::string name;
    Dictionary values;      // each has its own feature, in this order
    Dictionary infrequent;  // these share one feature, after them (none: no such feature)
    std::unordered_map<std::string, int32_t> index;  // value -> feature
    int64_t width() const { return static_cast<int64_t>(values.size()) + !infrequent.empty(); }
  };
  std::vector<std::string> columns_;
  int64_t max_categories_ = kDefaultMaxCategories;
  bool unknown_is_error_ = false;
  std::vector<ValueCounts> learning_;
  std::vector<Fitted> fitted_;
};

// scikit-learn's OrdinalEncoder: each column (by default every category and string column)
// replaced, under its own name, by a float column holding its value's place among the
// column's categories (0, 1, ...; CategoryOrder at fit, numbers by value). A missing value stays missing; an
// unknown one becomes unknown_value (unset: missing) and is counted as drift, or stops predict
// with on_unknown = "error".
class OrdinalStep : public Step {
 public:
  explicit OrdinalStep(const Json& params) {
    if (params.contains("columns")) columns_ = params["columns"].get<std::vector<std::string>>();
    unknown_is_error_ = UnknownIsError(params);
    if (params.contains("unknown_value")) unknown_value_ = params["unknown_value"].get<double>();
  }
  std::string kind() const override { return "ordinal"; }
  Json params() const override {
    Json p = {{"on_unknown", unknown_is_error_ ? "error" : "ignore"}};
    if (!columns_.empty()) p["columns"] = columns_;
    if (!std::isnan(unknown_value_)) p["unknown_value"] = unknown_value_;
    return p;
  }

  void Reset() override { learning_.clear(); fitted_.clear(); }
  void PartialFit(const Batch& batch) override { CountValues(batch, columns_, "ordinal", &learning_); }
  void FinishFit() override {
    fitted_.clear();
    for (const auto& l : learning_) Add(l.name, CategoryOrder(l, true));
    learning_.clear();
  }

  Batch Transform(const Batch& batch, TransformStats* stats) const override {
    Batch out = batch;
    for (const auto& f : fitted_) {
      const Column& in = *RequireColumn(batch, f.name, "ordinal");
      const std::vector<int32_t> codes = LookUp(in, f.index, "ordinal", f.name);
      auto col = std::make_shared<Column>(DataType::kF64);
      col->length = in.length;
      col->f64.resize(in.length);
      int64_t unknown = 0;
      for (int64_t i = 0; i < in.length; ++i) {
        if (codes[i] >= 0) {
          col->f64[i] = codes[i];
          continue;
        }
        col->f64[i] = 0;
        if (in.IsNull(i)) {
          col->SetNull(i);
          continue;
        }
        if (unknown_is_error_ && !(stats && stats->lenient)) RefuseUnknown("ordinal", f.name, in, i);
        ++unknown;
        if (std::isnan(unknown_value_)) {
          col->SetNull(i);
        } else {
          col->f64[i] = unknown_value_;
        }
      }
      if (stats) stats->Add("ordinal:" + f.name + ":unknown", unknown);
      out.Set(f.name, col);
    }
    return out;
  }

  Json SaveState() const override {
    Json cols = Json::array();
    for (const auto& f : fitted_) cols.push_back({{"column", f.name}, {"categories", f.values}});
    return {{"columns", cols}};
  }

  void LoadState(const Json& state) override {
    fitted_.clear();
    ReadColumnsState("ordinal", state, columns_, nullptr,
                     [&](const StateReader&, const Json&, const std::string&, std::string name, Dictionary values) {
                       Add(std::move(name), std::move(values));
                     });
  }

 private:
  void Add(std::string name, Dictionary values) {
    if (values.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
      Fail(ErrorCode::kModel, "ordinal: column '" + name + "' has more categories than codes");
    auto index = IndexOf(values);
    fitted_.push_back({std::move(name), std::move(values), std::move(index)});
  }
  struct Fitted {
    std::string name;
    Dictionary values;                                // value k has code k
    std::unordered_map<std::string, int32_t> index;  // value -> code
  };
  std::vector<std::string> columns_;
  bool unknown_is_error_ = false;
  double unknown_value_ = std::numeric_limits<double>::quiet_NaN();  // NaN: missing
  std::vector<ValueCounts> learning_;
  std::vector<Fitted> fitted_;
};

}  // namespace

void RegisterCategorySteps(std::vector<Registration<Step>>* registry) {
  registry->push_back(Registration<Step>::Declare(
      "categories",
      "fix the categories of columns; other values become missing and are counted (drift)",
      {ParamSpec::StringListTable("categories").Required().Doc(
           "column = [values] for each column ([steps.categories] in a spec)"),
       OnUnknown()},
      [](const Json& p) { return std::make_unique<CategoriesStep>(p); }));
  registry->push_back(Registration<Step>::Declare(
      "one_hot",
      "one 0/1 column per category (COLUMN_VALUE), after the other columns; past "
      "max_categories the rarest share COLUMN_infrequent; missing -> all zeros",
      {ParamSpec::StringList("columns").Doc("the columns to encode (default: every category and string column)"),
       ParamSpec::Int("max_categories").Default(OneHotStep::kDefaultMaxCategories).AtLeast(2).AtMost(1e9).Doc(
           "the most frequent max_categories - 1 values get their own column, the others share "
           "COLUMN_infrequent"),
       OnUnknown()},
      [](const Json& p) { return std::make_unique<OneHotStep>(p); }));
  registry->push_back(Registration<Step>::Declare(
      "ordinal",
      "replace each category by its place among the column's categories (0, 1, ...: scikit-learn's "
      "OrdinalEncoder); missing stays missing, unknown -> unknown_value",
      {ParamSpec::StringList("columns").Doc("the columns to encode (default: every category and string column)"),
       OnUnknown(),
       ParamSpec::Float("unknown_value").Doc(
           "the code of a value not seen at fit (with on_unknown = \"ignore\"); unset: missing")},
      [](const Json& p) { return std::make_unique<OrdinalStep>(p); }));
}

}  // namespace outcore
