// lowercase and strip: normalise text in string and category columns.
#include <string_view>
#include <unordered_map>

#include "core/batch_ops.h"
#include "pipeline/transformers/transformers.h"

namespace outcore {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string Strip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

// Applies a string function to a column. For a category column only the dictionary is
// rewritten (values that become equal are merged), so the cost is per distinct value.
ColumnPtr MapText(const Column& in, std::string (*fn)(std::string_view)) {
  auto c = std::make_shared<Column>(in.type);
  c->length = in.length;
  CopyValidity(in, c.get());
  if (in.type == DataType::kCategory) {
    auto dict = std::make_shared<Dictionary>();
    std::unordered_map<std::string, int32_t> index;
    std::vector<int32_t> remap;
    for (const auto& v : *in.dict) {
      auto [it, fresh] = index.try_emplace(fn(v), static_cast<int32_t>(dict->size()));
      if (fresh) dict->push_back(it->first);
      remap.push_back(it->second);
    }
    c->dict = dict;
    c->codes.resize(in.length);
    for (int64_t i = 0; i < in.length; ++i) c->codes[i] = in.IsNull(i) ? 0 : remap[in.codes[i]];
    return c;
  }
  c->offsets.reserve(in.length + 1);
  c->offsets.push_back(0);
  c->chars.reserve(in.chars.size());
  for (int64_t i = 0; i < in.length; ++i) {
    c->chars += fn(in.Str(i));
    c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
  }
  return c;
}

class TextStep : public Step {
 public:
  TextStep(std::string kind, std::string (*fn)(std::string_view), const Json& params)
      : kind_(std::move(kind)), fn_(fn) {
    columns_ = params.at("columns").get<std::vector<std::string>>();
  }
  std::string kind() const override { return kind_; }
  Json params() const override { return {{"columns", columns_}}; }
  Batch Transform(const Batch& batch, TransformStats*) const override {
    Batch out = batch;
    for (const auto& name : columns_) {
      const Column& in = *RequireColumn(batch, name, kind_);
      if (in.type != DataType::kString && in.type != DataType::kCategory)
        Fail(ErrorCode::kSchema, kind_ + ": column '" + name + "' is " +
                                     std::string(TypeName(in.type)) + ", not string or category");
      out.Set(name, MapText(in, fn_));
    }
    return out;
  }

 private:
  std::string kind_;
  std::string (*fn_)(std::string_view);
  std::vector<std::string> columns_;
};

}  // namespace

void RegisterTextSteps(std::vector<Registration<Step>>* registry) {
  struct Kind {
    const char* kind;
    const char* doc;
    const char* columns_doc;
    std::string (*fn)(std::string_view);
  };
  for (const Kind k : {Kind{"lowercase", "lower-case the ASCII letters of string or category columns",
                            "the string or category columns to lower-case", Lower},
                       Kind{"strip", "remove leading and trailing whitespace from string or category columns",
                            "the string or category columns to strip", Strip}})
    registry->push_back(Registration<Step>::Declare(
        k.kind, k.doc, {ParamSpec::StringList("columns").Required().Doc(k.columns_doc)},
        [k](const Json& p) { return std::make_unique<TextStep>(k.kind, k.fn, p); }));
}

}  // namespace outcore
