#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "outcore/error.h"
#include "outcore/model.h"

namespace outcore {

static std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Target Target::Parse(const std::string& expression) {
  Target t;
  t.expression = expression;
  static const char* kOps[] = {">=", "<=", "==", "!=", ">", "<"};
  size_t pos = std::string::npos;
  for (const char* op : kOps) {
    size_t p = expression.find(op);
    if (p != std::string::npos && (pos == std::string::npos || p < pos)) {
      pos = p;
      t.op = op;
    }
  }
  if (pos == std::string::npos) {
    t.column = Trim(expression);
  } else {
    t.column = Trim(expression.substr(0, pos));
    std::string number = Trim(expression.substr(pos + t.op.size()));
    size_t used = 0;
    try {
      t.threshold = std::stod(number, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != number.size())
      Fail(ErrorCode::kModel, "target '" + expression + "': '" + number + "' is not a number");
    t.classes = {"false", "true"};
  }
  if (t.column.empty()) Fail(ErrorCode::kModel, "target '" + expression + "' names no column");
  return t;
}

static bool Compare(double v, const std::string& op, double x) {
  if (op == ">") return v > x;
  if (op == ">=") return v >= x;
  if (op == "<") return v < x;
  if (op == "<=") return v <= x;
  if (op == "==") return v == x;
  return v != x;
}

// A column used as class labels: its distinct values, sorted as scikit-learn's classes_ are
// (numbers by value, text by its bytes), at least 2 and at most kMaxClasses.
void Target::LearnClasses(const std::vector<const Column*>& columns) {
  if (!op.empty()) return;
  std::map<double, std::string> numbers;
  std::set<std::string> texts;
  auto too_many = [&] {
    Fail(ErrorCode::kInvalidInput, "target '" + column + "' has more than " +
                                       std::to_string(kMaxClasses) +
                                       " distinct values: too many classes for a classifier (a "
                                       "regressor, or a comparison like \"" + column + " > 0\"?)");
  };
  for (const Column* c : columns) {
    const bool numeric = IsNumeric(c->type);
    for (int64_t i = 0; i < c->length; ++i) {
      if (c->IsNull(i)) continue;
      if (numeric) numbers.emplace(c->AsDouble(i), c->ToString(i));
      else texts.insert(c->ToString(i));
      if (numbers.size() + texts.size() > static_cast<size_t>(kMaxClasses)) too_many();
    }
  }
  classes.clear();
  for (auto& [value, text] : numbers) classes.push_back(text);
  classes.insert(classes.end(), texts.begin(), texts.end());
  if (classes.size() < 2)
    Fail(ErrorCode::kInvalidInput,
         "target '" + column + "' has " + std::to_string(classes.size()) +
             " distinct value" + (classes.size() == 1 ? " ('" + classes[0] + "')" : "s") +
             "; a classifier needs at least 2 classes");
}

std::vector<double> Target::Labels(const Column& c, bool classifier) const {
  const double kMissing = std::nan("");
  std::vector<double> y(c.length, kMissing);
  if (!op.empty()) {
    if (!IsNumeric(c.type))
      Fail(ErrorCode::kSchema, "target '" + expression + "': column '" + column + "' is " +
                                   std::string(TypeName(c.type)) + ", not a number");
    for (int64_t i = 0; i < c.length; ++i)
      if (!c.IsNull(i)) y[i] = Compare(c.AsDouble(i), op, threshold) ? 1 : 0;
    return y;
  }
  if (!classifier) {
    if (!IsNumeric(c.type))
      Fail(ErrorCode::kSchema, "target '" + column + "' is " + std::string(TypeName(c.type)) +
                                   ": a regressor needs numbers");
    for (int64_t i = 0; i < c.length; ++i)
      if (!c.IsNull(i)) y[i] = c.AsDouble(i);
    return y;
  }
  if (classes.size() < 2)
    Fail(ErrorCode::kInternal, "target classes must be learned before labels");
  std::unordered_map<std::string, int64_t> index;
  for (size_t k = 0; k < classes.size(); ++k) index.emplace(classes[k], static_cast<int64_t>(k));
  for (int64_t i = 0; i < c.length; ++i) {
    if (c.IsNull(i)) continue;
    std::string v = c.ToString(i);
    auto at = index.find(v);
    if (at == index.end()) {
      std::string known;
      for (size_t j = 0; j < classes.size() && j < 10; ++j) known += (j ? ", " : "") + classes[j];
      if (classes.size() > 10) known += ", ... (" + std::to_string(classes.size()) + " in all)";
      Fail(ErrorCode::kInvalidInput, "target '" + column + "' has a value '" + v +
                                         "' that is not one of its classes (" + known + ")");
    }
    y[i] = static_cast<double>(at->second);
  }
  return y;
}

}  // namespace outcore
