#include <algorithm>
#include <cmath>
#include <set>

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

// A column used as a class label: exactly two values, sorted (as scikit-learn's classes_).
void Target::LearnClasses(const std::vector<const Column*>& columns) {
  if (!op.empty()) return;
  std::set<std::string> seen;
  for (const Column* c : columns)
    for (int64_t i = 0; i < c->length && seen.size() <= 2; ++i)
      if (!c->IsNull(i)) seen.insert(c->ToString(i));
  if (seen.size() != 2)
    Fail(ErrorCode::kInvalidInput,
         "target '" + column + "' has " + std::to_string(seen.size()) +
             (seen.size() > 2 ? " or more" : "") +
             " distinct values; a binary classifier needs exactly 2 (or write a comparison "
             "like \"" + column + " > 0\")");
  classes.assign(seen.begin(), seen.end());
}

std::vector<double> Target::Labels(const Column& c, bool classifier) {
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
  if (classes.size() != 2)
    Fail(ErrorCode::kInternal, "target classes must be learned before labels");
  for (int64_t i = 0; i < c.length; ++i) {
    if (c.IsNull(i)) continue;
    std::string v = c.ToString(i);
    if (v == classes[1]) y[i] = 1;
    else if (v == classes[0]) y[i] = 0;
    else
      Fail(ErrorCode::kInvalidInput, "target '" + column + "' has a third value '" + v +
                                         "' (classes: " + classes[0] + ", " + classes[1] + ")");
  }
  return y;
}

}  // namespace outcore
