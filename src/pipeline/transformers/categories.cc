// categories (a fixed list per column; other values become missing) and one_hot.
#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>

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

std::unordered_map<std::string, int32_t> IndexOf(const Dictionary& values) {
  std::unordered_map<std::string, int32_t> index;
  for (size_t k = 0; k < values.size(); ++k) index.emplace(values[k], static_cast<int32_t>(k));
  return index;
}

class CategoriesStep : public Step {
 public:
  explicit CategoriesStep(const Json& params) {
    ParamReader p("categories", params, {"categories"});
    if (!p.Has("categories") || !p.Raw("categories").is_object() || p.Raw("categories").empty())
      p.Bad("categories", "must be a table of column = [values]");
    for (auto& [column, values] : p.Raw("categories").items()) {
      auto dict = std::make_shared<Dictionary>();
      if (!values.is_array()) p.Bad("categories", "entry '" + column + "' must be a list of strings");
      for (const auto& v : values) {
        if (!v.is_string()) p.Bad("categories", "entry '" + column + "' must be a list of strings");
        dict->push_back(v.get<std::string>());
      }
      if (std::set<std::string>(dict->begin(), dict->end()).size() != dict->size())
        p.Bad("categories", "entry '" + column + "' lists a value twice");
      columns_.push_back({column, dict, IndexOf(*dict)});
    }
  }
  std::string kind() const override { return "categories"; }
  Json params() const override {
    Json cats = Json::object();
    for (const auto& c : columns_) cats[c.name] = *c.values;
    return {{"categories", cats}};
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
};

// One 0/1 float column per category, named COLUMN_VALUE, appended after the other columns
// (the layout of pandas.get_dummies). Unknown or missing values give all zeros.
class OneHotStep : public Step {
 public:
  explicit OneHotStep(const Json& params) {
    ParamReader p("one_hot", params, {"columns"});
    columns_ = p.Strings("columns", false);
  }
  std::string kind() const override { return "one_hot"; }
  Json params() const override { return columns_.empty() ? Json::object() : Json{{"columns", columns_}}; }

  void Reset() override { learning_.clear(); fitted_.clear(); }

  void PartialFit(const Batch& batch) override {
    if (learning_.empty()) {
      std::vector<std::string> names = columns_;
      if (names.empty())
        for (const auto& f : batch.schema.fields())
          if (f.type == DataType::kCategory || f.type == DataType::kString) names.push_back(f.name);
      for (const auto& n : names) learning_.push_back({n, nullptr, true, {}});
    }
    for (auto& l : learning_) {
      const Column& in = *RequireColumn(batch, l.name, "one_hot");
      if (in.type == DataType::kCategory) {
        l.fixed = l.fixed && in.declared_dict && (l.dict == nullptr || l.dict == in.dict);
        l.dict = in.dict;
        std::vector<uint8_t> used(in.dict->size(), 0);
        for (int64_t i = 0; i < in.length; ++i)
          if (!in.IsNull(i)) used[in.codes[i]] = 1;
        for (size_t k = 0; k < used.size(); ++k)
          if (used[k]) l.seen.insert((*in.dict)[k]);
      } else {
        l.fixed = false;
        for (int64_t i = 0; i < in.length; ++i)
          if (!in.IsNull(i)) l.seen.insert(in.ToString(i));
      }
    }
  }

  // A column whose batches share one declared dictionary (from a `categories` step): its
  // list, in its order, seen or not, is the encoding. Otherwise: the sorted values seen.
  void FinishFit() override {
    fitted_.clear();
    for (auto& l : learning_) {
      if (l.fixed && l.dict)
        Add(l.name, *l.dict);
      else
        Add(l.name, Dictionary(l.seen.begin(), l.seen.end()));
    }
    learning_.clear();
  }

  Batch Transform(const Batch& batch, TransformStats* stats) const override {
    Batch out = batch;
    for (const auto& f : fitted_) out.Remove(f.name);
    for (const auto& f : fitted_) {
      const Column& in = *RequireColumn(batch, f.name, "one_hot");
      std::vector<int32_t> codes = LookUp(in, f.index, "one_hot", f.name);
      int64_t unknown = 0;
      for (int64_t i = 0; i < in.length; ++i) unknown += codes[i] < 0 && !in.IsNull(i);
      if (stats) stats->Add("one_hot:" + f.name + ":unknown", unknown);
      for (size_t k = 0; k < f.values.size(); ++k) {
        std::vector<double> v(in.length, 0.0);
        for (int64_t i = 0; i < in.length; ++i) v[i] = codes[i] == static_cast<int32_t>(k);
        auto col = std::make_shared<Column>(DataType::kF64);
        col->length = in.length;
        col->f64 = std::move(v);
        std::string name = f.name + "_" + f.values[k];
        // Two features of one name would both read the first: refuse rather than mix them up.
        if (out.schema.IndexOf(name) >= 0)
          Fail(ErrorCode::kSchema, "one_hot: the column for value '" + f.values[k] + "' of '" + f.name +
                                       "' would be named '" + name + "', which the data already has");
        out.Add(std::move(name), col);
      }
    }
    return out;
  }

  Json SaveState() const override {
    Json cols = Json::array();
    for (const auto& f : fitted_) cols.push_back({{"column", f.name}, {"categories", f.values}});
    return {{"columns", cols}};
  }

  // The columns and their categories, in order; when params list the columns, the same ones.
  void LoadState(const Json& state) override {
    StateReader r("one_hot", state, {"columns"});
    const Json& columns = r.Array("columns", columns_.empty() ? -1 : static_cast<int64_t>(columns_.size()),
                                  "name in params.columns");
    fitted_.clear();
    std::set<std::string> names;
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string at = "columns[" + std::to_string(i) + "]";
      const Json& c = columns[i];
      if (!c.is_object() || c.size() != 2 || !c.contains("column") || !c["column"].is_string() ||
          !c.contains("categories"))
        r.Bad(at, "must be {\"column\": name, \"categories\": [values]}");
      const std::string name = c["column"].get<std::string>();
      if (!columns_.empty() && name != columns_[i])
        r.Bad(at + ".column", "is '" + name + "' but params.columns[" + std::to_string(i) + "] is '" +
                                  columns_[i] + "'");
      if (!names.insert(name).second) r.Bad(at + ".column", "'" + name + "' is listed twice");
      Add(name, r.DistinctStrings(c["categories"], at + ".categories"));
    }
  }

 private:
  void Add(std::string name, Dictionary values) {
    auto index = IndexOf(values);
    if (index.size() != values.size())
      Fail(ErrorCode::kModel, "one_hot: column '" + name + "' lists a category twice");
    fitted_.push_back({std::move(name), std::move(values), std::move(index)});
  }
  struct Learning {
    std::string name;
    DictionaryPtr dict;
    bool fixed;
    std::set<std::string> seen;
  };
  struct Fitted {
    std::string name;
    Dictionary values;
    std::unordered_map<std::string, int32_t> index;
  };
  std::vector<std::string> columns_;
  std::vector<Learning> learning_;
  std::vector<Fitted> fitted_;
};

}  // namespace

void RegisterCategorySteps(std::vector<Registration<Step>>* registry) {
  registry->push_back(
      {"categories",
       "fix the categories of columns; other values become missing and are counted (drift)",
       "[steps.categories] column = [values]",
       [](const Json& p) { return std::make_unique<CategoriesStep>(p); }});
  registry->push_back(
      {"one_hot",
       "one 0/1 column per category (COLUMN_VALUE), after the other columns; unknown or "
       "missing -> all zeros",
       "columns = [names] (default: every category and string column)",
       [](const Json& p) { return std::make_unique<OneHotStep>(p); }});
}

}  // namespace outcore
