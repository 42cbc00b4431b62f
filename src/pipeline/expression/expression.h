#pragma once
// Safe column expressions for the `expression` step: "Fare_Amt / nullif(Trip_Distance, 0)".
// A text is parsed once into a small tree (parse.cc, under caps on its length, nodes and
// depth), typed against a batch's schema (typecheck.cc) and evaluated column-wise: one loop
// over the batch per node (eval.cc). There are no loops, no I/O and nothing that runs code in
// the language. The grammar, the functions and the rules for missing values are in
// docs/spec.md ("The expression step").
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/error.h"

namespace outcore::expr {

/// The caps on one expression's text, its tree's node count and nesting depth.
constexpr size_t kMaxTextBytes = 4096;
constexpr int kMaxNodes = 256;
constexpr int kMaxDepth = 32;

/// What an expression's value is: a number (a float; ints are read as numbers), a bool, a
/// string (string or category columns) or a datetime.
enum class Type : uint8_t { kNumber, kBool, kText, kDatetime };
/// "number", "bool", "string", "datetime".
const char* TypeWord(Type type);

enum class Op : uint8_t {
  kNumber, kString, kTrue, kFalse, kColumn,    // leaves
  kNeg, kNot,                                   // unary
  kAdd, kSub, kMul, kDiv, kMod,                 // arithmetic
  kLt, kLe, kGt, kGe, kEq, kNe,                 // comparison
  kAnd, kOr,                                    // logic
  kCall,                                        // a function: `function`, `args`
};

enum class Fn : uint8_t {
  kIf, kCoalesce, kNullIf, kIsNull,
  kAbs, kLog, kLog1p, kExp, kSqrt, kPow, kMin, kMax, kClip, kFloor, kRound,
  kHour, kMinute, kDay, kMonth, kYear, kDayOfWeek, kDayOfYear,
  kLower, kUpper, kLength,
};

/// One node of the tree; children are indices into Expression::nodes().
struct Node {
  Op op = Op::kNumber;
  int pos = 1;             // 1-based character position in the text (for messages)
  double number = 0;       // kNumber
  std::string text;        // kString: the value; kColumn: the name; kCall: the function's name
  Fn function = Fn::kIf;   // kCall
  std::vector<int> args;   // operands or arguments
};

/// A parsed expression. Parse, Check and Evaluate throw Error with a message
/// `"TEXT" at POS: WHY` (kModel for syntax and caps, kSchema for types and absent columns), for
/// the caller to put the step and column in front.
class Expression {
 public:
  static Expression Parse(const std::string& text);

  const std::string& text() const { return text_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  int root() const { return root_; }

  /// The type of the expression's value over columns of `schema`; also the type of every node
  /// (indexed as nodes()) in `types` when given.
  Type Check(const Schema& schema, std::vector<Type>* types = nullptr) const;
  /// The expression's value for every row of `batch`: a float column (numbers), bool, string
  /// or datetime column, missing where the value is missing.
  ColumnPtr Evaluate(const Batch& batch) const;

  /// Throws Error(code, `"TEXT" at POS: WHY`).
  [[noreturn]] void FailAt(ErrorCode code, int pos, const std::string& why) const;

 private:
  std::string text_;
  std::vector<Node> nodes_;
  int root_ = 0;
};

}  // namespace outcore::expr
