// Types an expression against a schema: which columns it reads, and that every operator and
// function gets values it takes. Nodes are stored after their operands (the parser adds a
// node once its operands are parsed), so one forward pass types the tree, without recursion.
#include <cmath>

#include "pipeline/expression/expression.h"

namespace outcore::expr {
namespace {

bool Numeric(Type t) { return t == Type::kNumber || t == Type::kBool; }

Type ColumnType(DataType t) {
  switch (t) {
    case DataType::kF64:
    case DataType::kI64: return Type::kNumber;
    case DataType::kBool: return Type::kBool;
    case DataType::kTimestamp: return Type::kDatetime;
    case DataType::kString:
    case DataType::kCategory: return Type::kText;
  }
  return Type::kNumber;
}

const char* OpText(Op op) {
  switch (op) {
    case Op::kNeg: return "-";
    case Op::kNot: return "not";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kAnd: return "and";
    case Op::kOr: return "or";
    default: return "?";
  }
}

// A whole number written out (maybe negated), as round()'s digits must be.
bool IsWholeLiteral(const std::vector<Node>& nodes, int i) {
  const Node* n = &nodes[i];
  if (n->op == Op::kNeg) n = &nodes[n->args[0]];
  return n->op == Op::kNumber && n->number == std::floor(n->number) && std::fabs(n->number) <= 15;
}

}  // namespace

Type Expression::Check(const Schema& schema, std::vector<Type>* types_out) const {
  std::vector<Type> t(nodes_.size(), Type::kNumber);
  auto fail = [&](int pos, const std::string& why) { FailAt(ErrorCode::kSchema, pos, why); };
  // Two values that must be of one type: number and bool make a number.
  auto unify = [&](const Node& n, Type a, Type b, const std::string& what) {
    if (a == b) return a;
    if (Numeric(a) && Numeric(b)) return Type::kNumber;
    fail(n.pos, what + " must be of one type, got " + TypeWord(a) + " and " + TypeWord(b));
    return a;
  };
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    auto arg = [&](size_t k) { return t[n.args[k]]; };
    auto arg_pos = [&](size_t k) { return nodes_[n.args[k]].pos; };
    switch (n.op) {
      case Op::kNumber: t[i] = Type::kNumber; break;
      case Op::kString: t[i] = Type::kText; break;
      case Op::kTrue:
      case Op::kFalse: t[i] = Type::kBool; break;
      case Op::kColumn: {
        const int at = schema.IndexOf(n.text);
        if (at < 0) fail(n.pos, "no column '" + n.text + "' (the columns: " + schema.Names() + ")");
        t[i] = ColumnType(schema.field(at).type);
        break;
      }
      case Op::kNeg:
        if (!Numeric(arg(0))) fail(n.pos, "'-' needs a number, got " + std::string(TypeWord(arg(0))));
        t[i] = Type::kNumber;
        break;
      case Op::kNot:
        if (arg(0) != Type::kBool) fail(n.pos, "'not' needs a bool, got " + std::string(TypeWord(arg(0))));
        t[i] = Type::kBool;
        break;
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        for (size_t k = 0; k < 2; ++k)
          if (!Numeric(arg(k)))
            fail(n.pos, "'" + std::string(OpText(n.op)) + "' needs numbers, got " + TypeWord(arg(k)));
        t[i] = Type::kNumber;
        break;
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
        if (!(Numeric(arg(0)) && Numeric(arg(1))) && arg(0) != arg(1))
          fail(n.pos, "'" + std::string(OpText(n.op)) + "' compares two numbers, two strings or two datetimes, got " +
                          TypeWord(arg(0)) + " and " + TypeWord(arg(1)));
        t[i] = Type::kBool;
        break;
      case Op::kAnd:
      case Op::kOr:
        for (size_t k = 0; k < 2; ++k)
          if (arg(k) != Type::kBool)
            fail(n.pos, "'" + std::string(OpText(n.op)) + "' needs bools, got " + TypeWord(arg(k)));
        t[i] = Type::kBool;
        break;
      case Op::kCall: {
        const std::string f = n.text + "()";
        auto need = [&](size_t k, bool ok, const char* what) {
          if (!ok) fail(arg_pos(k), f + " needs " + what + ", got " + TypeWord(arg(k)));
        };
        const char* numbers = n.args.size() == 1 ? "a number" : "numbers";
        switch (n.function) {
          case Fn::kIf:
            need(0, arg(0) == Type::kBool, "a bool condition");
            t[i] = unify(n, arg(1), arg(2), "if()'s two values");
            break;
          case Fn::kCoalesce:
            t[i] = arg(0);
            for (size_t k = 1; k < n.args.size(); ++k) t[i] = unify(n, t[i], arg(k), "coalesce()'s values");
            break;
          case Fn::kNullIf:
            unify(n, arg(0), arg(1), "nullif()'s two values");
            t[i] = arg(0);
            break;
          case Fn::kIsNull: t[i] = Type::kBool; break;
          case Fn::kRound:
            need(0, Numeric(arg(0)), "a number");
            if (n.args.size() == 2 && !IsWholeLiteral(nodes_, n.args[1]))
              fail(arg_pos(1), "round()'s digits must be a whole number from -15 to 15 written out, like 2");
            t[i] = Type::kNumber;
            break;
          case Fn::kAbs:
          case Fn::kLog:
          case Fn::kLog1p:
          case Fn::kExp:
          case Fn::kSqrt:
          case Fn::kPow:
          case Fn::kMin:
          case Fn::kMax:
          case Fn::kClip:
          case Fn::kFloor:
            for (size_t k = 0; k < n.args.size(); ++k) need(k, Numeric(arg(k)), numbers);
            t[i] = Type::kNumber;
            break;
          case Fn::kHour:
          case Fn::kMinute:
          case Fn::kDay:
          case Fn::kMonth:
          case Fn::kYear:
          case Fn::kDayOfWeek:
          case Fn::kDayOfYear:
            need(0, arg(0) == Type::kDatetime, "a datetime");
            t[i] = Type::kNumber;
            break;
          case Fn::kLower:
          case Fn::kUpper:
          case Fn::kLength:
            need(0, arg(0) == Type::kText, "a string");
            t[i] = n.function == Fn::kLength ? Type::kNumber : Type::kText;
            break;
        }
        break;
      }
    }
  }
  if (types_out) *types_out = t;
  return t[root_];
}

}  // namespace outcore::expr
