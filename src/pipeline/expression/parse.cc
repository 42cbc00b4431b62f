// The expression language's tokens and grammar (recursive descent, lowest precedence first):
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | compare
//   compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/' | '%') unary)*
//   unary   := '-' unary | primary
//   primary := NUMBER | 'STRING' | true | false | NAME | `ANY NAME` | NAME '(' args ')' | '(' or ')'
// The caps (text length, node count, depth) hold while parsing, so no input recurses deeply.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "pipeline/expression/expression.h"

namespace outcore::expr {
namespace {

enum class Tok { kNumber, kString, kName, kQuotedName, kOp, kLParen, kRParen, kComma, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  int pos = 1;       // 1-based
  std::string text;  // the operator, name or string value
  double number = 0;
};

struct FunctionInfo {
  const char* name;
  Fn fn;
  int min_args, max_args;  // max -1: any number
};

const FunctionInfo kFunctions[] = {
    {"if", Fn::kIf, 3, 3},          {"coalesce", Fn::kCoalesce, 1, -1}, {"nullif", Fn::kNullIf, 2, 2},
    {"is_null", Fn::kIsNull, 1, 1}, {"abs", Fn::kAbs, 1, 1},            {"log", Fn::kLog, 1, 1},
    {"log1p", Fn::kLog1p, 1, 1},    {"exp", Fn::kExp, 1, 1},            {"sqrt", Fn::kSqrt, 1, 1},
    {"pow", Fn::kPow, 2, 2},        {"min", Fn::kMin, 2, -1},           {"max", Fn::kMax, 2, -1},
    {"clip", Fn::kClip, 3, 3},      {"floor", Fn::kFloor, 1, 1},        {"round", Fn::kRound, 1, 2},
    {"hour", Fn::kHour, 1, 1},      {"minute", Fn::kMinute, 1, 1},      {"day", Fn::kDay, 1, 1},
    {"month", Fn::kMonth, 1, 1},    {"year", Fn::kYear, 1, 1},          {"dayofweek", Fn::kDayOfWeek, 1, 1},
    {"day_of_week", Fn::kDayOfWeek, 1, 1}, {"dayofyear", Fn::kDayOfYear, 1, 1},
    {"day_of_year", Fn::kDayOfYear, 1, 1}, {"lower", Fn::kLower, 1, 1}, {"upper", Fn::kUpper, 1, 1},
    {"length", Fn::kLength, 1, 1},
};

std::string Hex(unsigned char c) {
  const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  Parser(const Expression& expr, std::vector<Node>* nodes) : expr_(expr), s_(expr.text()), nodes_(nodes) {
    Next();
  }

  int ParseAll() {
    const int root = Or();
    if (tok_.kind != Tok::kEnd) Fail(tok_.pos, "expected an operator or the end, got " + Describe(tok_));
    return root;
  }

 private:
  [[noreturn]] void Fail(int pos, const std::string& why) const { expr_.FailAt(ErrorCode::kModel, pos, why); }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "the end";
      case Tok::kString: return "a string";
      case Tok::kNumber: return "a number";
      case Tok::kQuotedName: return "`" + t.text + "`";
      default: return "'" + t.text + "'";
    }
  }

  // Reads the next token into tok_.
  void Next() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    tok_ = Token();
    tok_.pos = static_cast<int>(i_) + 1;
    if (i_ >= s_.size()) return;
    const char c = s_[i_];
    if (IsDigit(c) || (c == '.' && i_ + 1 < s_.size() && IsDigit(s_[i_ + 1]))) return Number();
    if (IsNameStart(c)) {
      size_t b = i_;
      while (i_ < s_.size() && (IsNameStart(s_[i_]) || IsDigit(s_[i_]))) ++i_;
      tok_.kind = Tok::kName, tok_.text = s_.substr(b, i_ - b);
      return;
    }
    if (c == '\'' || c == '`') return Quoted(c);
    static const char* kOps[] = {"<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%"};
    for (const char* op : kOps)
      if (s_.compare(i_, std::strlen(op), op) == 0) {
        tok_.kind = Tok::kOp, tok_.text = op;
        i_ += std::strlen(op);
        return;
      }
    ++i_;
    tok_.text = std::string(1, c);
    if (c == '(') tok_.kind = Tok::kLParen;
    else if (c == ')') tok_.kind = Tok::kRParen;
    else if (c == ',') tok_.kind = Tok::kComma;
    else if (c == '=') Fail(tok_.pos, "'=' is not an operator: compare with '=='");
    else if (c == '"') Fail(tok_.pos, "strings are in single quotes ('cash'), odd column names in backquotes (`a b`)");
    else if (c >= ' ' && c <= '~') Fail(tok_.pos, "unexpected character '" + tok_.text + "'");
    else Fail(tok_.pos, "unexpected byte " + Hex(static_cast<unsigned char>(c)) + " (names with other characters go in backquotes)");
  }

  void Number() {
    size_t b = i_;
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    if (i_ < s_.size() && s_[i_] == '.') ++i_;
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      size_t e = i_ + 1;
      if (e < s_.size() && (s_[e] == '+' || s_[e] == '-')) ++e;
      if (e >= s_.size() || !IsDigit(s_[e])) Fail(tok_.pos, "malformed number '" + s_.substr(b, e - b) + "'");
      i_ = e;
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && IsNameStart(s_[i_]))
      Fail(tok_.pos, "malformed number '" + s_.substr(b, i_ + 1 - b) + "'");
    tok_.kind = Tok::kNumber;
    tok_.text = s_.substr(b, i_ - b);
    tok_.number = std::strtod(tok_.text.c_str(), nullptr);
    if (!std::isfinite(tok_.number)) Fail(tok_.pos, "the number " + tok_.text + " is too large");
  }

  // 'a string' or `a name`; the quote doubled stands for itself.
  void Quoted(char quote) {
    const int pos = tok_.pos;
    ++i_;
    std::string value;
    for (;;) {
      if (i_ >= s_.size())
        Fail(pos, quote == '`' ? "the name in backquotes is not closed" : "the string is not closed");
      if (s_[i_] == quote) {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == quote) {
          value += quote, i_ += 2;
          continue;
        }
        ++i_;
        break;
      }
      value += s_[i_++];
    }
    if (quote == '`' && value.empty()) Fail(pos, "an empty column name");
    tok_.kind = quote == '`' ? Tok::kQuotedName : Tok::kString;
    tok_.text = std::move(value);
  }

  bool IsOp(const char* op) const { return tok_.kind == Tok::kOp && tok_.text == op; }
  bool IsWord(const char* word) const { return tok_.kind == Tok::kName && tok_.text == word; }

  // Adds a node, enforcing the node and depth caps.
  int Add(Node node) {
    if (static_cast<int>(nodes_->size()) >= kMaxNodes)
      Fail(node.pos, "the expression has more than " + std::to_string(kMaxNodes) + " parts (the cap)");
    int d = 1;
    for (int a : node.args) d = std::max(d, depth_[a] + 1);
    if (d > kMaxDepth) Fail(node.pos, "the expression nests deeper than " + std::to_string(kMaxDepth) + " levels (the cap)");
    nodes_->push_back(std::move(node));
    depth_.push_back(d);
    return static_cast<int>(nodes_->size()) - 1;
  }
  int Binary(Op op, int pos, int left, int right) {
    Node n;
    n.op = op, n.pos = pos, n.args = {left, right};
    return Add(std::move(n));
  }

  // Guards the recursion of nested parentheses, calls and prefix operators.
  struct Nest {
    Parser* p;
    explicit Nest(Parser* parser, int pos) : p(parser) {
      if (++p->nest_ > kMaxDepth)
        p->Fail(pos, "the expression nests deeper than " + std::to_string(kMaxDepth) + " levels (the cap)");
    }
    ~Nest() { --p->nest_; }
  };

  int Or() {
    int left = And();
    while (IsWord("or")) {
      const int pos = tok_.pos;
      Next();
      left = Binary(Op::kOr, pos, left, And());
    }
    return left;
  }
  int And() {
    int left = Not();
    while (IsWord("and")) {
      const int pos = tok_.pos;
      Next();
      left = Binary(Op::kAnd, pos, left, Not());
    }
    return left;
  }
  int Not() {
    if (!IsWord("not")) return Compare();
    Nest nest(this, tok_.pos);
    Node n;
    n.op = Op::kNot, n.pos = tok_.pos;
    Next();
    n.args = {Not()};
    return Add(std::move(n));
  }
  int Compare() {
    int left = Sum();
    static const std::pair<const char*, Op> kCompare[] = {{"<", Op::kLt},  {"<=", Op::kLe}, {">", Op::kGt},
                                                           {">=", Op::kGe}, {"==", Op::kEq}, {"!=", Op::kNe}};
    for (const auto& [text, op] : kCompare)
      if (IsOp(text)) {
        const int pos = tok_.pos;
        Next();
        left = Binary(op, pos, left, Sum());
        for (const auto& [again, unused] : kCompare)
          if (IsOp(again)) Fail(tok_.pos, "comparisons do not chain: write (a < b) and (b < c)");
        break;
      }
    return left;
  }
  int Sum() {
    int left = Product();
    while (IsOp("+") || IsOp("-")) {
      const Op op = IsOp("+") ? Op::kAdd : Op::kSub;
      const int pos = tok_.pos;
      Next();
      left = Binary(op, pos, left, Product());
    }
    return left;
  }
  int Product() {
    int left = Unary();
    while (IsOp("*") || IsOp("/") || IsOp("%")) {
      const Op op = IsOp("*") ? Op::kMul : IsOp("/") ? Op::kDiv : Op::kMod;
      const int pos = tok_.pos;
      Next();
      left = Binary(op, pos, left, Unary());
    }
    return left;
  }
  int Unary() {
    if (!IsOp("-")) return Primary();
    Nest nest(this, tok_.pos);
    Node n;
    n.op = Op::kNeg, n.pos = tok_.pos;
    Next();
    n.args = {Unary()};
    return Add(std::move(n));
  }
  int Primary() {
    Node n;
    n.pos = tok_.pos;
    switch (tok_.kind) {
      case Tok::kNumber:
        n.op = Op::kNumber, n.number = tok_.number;
        Next();
        return Add(std::move(n));
      case Tok::kString:
        n.op = Op::kString, n.text = tok_.text;
        Next();
        return Add(std::move(n));
      case Tok::kQuotedName:
        n.op = Op::kColumn, n.text = tok_.text;
        Next();
        return Add(std::move(n));
      case Tok::kLParen: {
        Nest nest(this, tok_.pos);
        Next();
        const int inner = Or();
        if (tok_.kind != Tok::kRParen) Fail(tok_.pos, "expected ')', got " + Describe(tok_));
        Next();
        return inner;
      }
      case Tok::kName: {
        if (tok_.text == "true" || tok_.text == "false") {
          n.op = tok_.text == "true" ? Op::kTrue : Op::kFalse;
          Next();
          return Add(std::move(n));
        }
        if (tok_.text == "and" || tok_.text == "or" || tok_.text == "not")
          Fail(tok_.pos, "expected a value, got '" + tok_.text + "' (a column of that name goes in backquotes)");
        n.text = tok_.text;
        Next();
        if (tok_.kind != Tok::kLParen) {
          n.op = Op::kColumn;
          return Add(std::move(n));
        }
        return Call(std::move(n));
      }
      default:
        Fail(tok_.pos, "expected a value, got " + Describe(tok_));
    }
  }
  // NAME '(' [or (',' or)*] ')', NAME already read and tok_ at '('.
  int Call(Node n) {
    const FunctionInfo* info = nullptr;
    for (const auto& f : kFunctions)
      if (n.text == f.name) info = &f;
    if (!info) {
      std::string known;
      for (const auto& f : kFunctions) known += (known.empty() ? "" : ", ") + std::string(f.name);
      Fail(n.pos, "unknown function '" + n.text + "' (known: " + known + ")");
    }
    Nest nest(this, tok_.pos);
    Next();
    if (tok_.kind != Tok::kRParen) {
      for (;;) {
        n.args.push_back(Or());
        if (tok_.kind == Tok::kRParen) break;
        if (tok_.kind != Tok::kComma) Fail(tok_.pos, "expected ',' or ')', got " + Describe(tok_));
        Next();
      }
    }
    Next();
    const int given = static_cast<int>(n.args.size());
    if (given < info->min_args || (info->max_args >= 0 && given > info->max_args)) {
      std::string wanted = info->min_args == info->max_args ? std::to_string(info->min_args)
                           : info->max_args < 0 ? "at least " + std::to_string(info->min_args)
                                                : std::to_string(info->min_args) + " or " + std::to_string(info->max_args);
      Fail(n.pos, n.text + "() takes " + wanted + " argument" + (wanted == "1" ? "" : "s") + ", got " +
                      std::to_string(given));
    }
    n.op = Op::kCall, n.function = info->fn;
    return Add(std::move(n));
  }

  const Expression& expr_;
  const std::string& s_;
  std::vector<Node>* nodes_;
  std::vector<int> depth_;  // per node: the depth of its subtree
  size_t i_ = 0;
  int nest_ = 0;
  Token tok_;
};

}  // namespace

const char* TypeWord(Type type) {
  switch (type) {
    case Type::kNumber: return "number";
    case Type::kBool: return "bool";
    case Type::kText: return "string";
    case Type::kDatetime: return "datetime";
  }
  return "?";
}

void Expression::FailAt(ErrorCode code, int pos, const std::string& why) const {
  // A long text is cut at 100 bytes, not inside a UTF-8 character.
  size_t cut = text_.size() > 120 ? 100 : text_.size();
  while (cut < text_.size() && cut > 0 && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80) --cut;
  const std::string shown = cut < text_.size() ? text_.substr(0, cut) + "..." : text_;
  Fail(code, "\"" + shown + "\" at " + std::to_string(pos) + ": " + why);
}

Expression Expression::Parse(const std::string& text) {
  Expression e;
  if (text.size() > kMaxTextBytes) {
    e.text_ = text;
    e.FailAt(ErrorCode::kModel, 1, "the expression is " + std::to_string(text.size()) + " bytes, over the " +
                                       std::to_string(kMaxTextBytes) + "-byte cap");
  }
  e.text_ = text;
  Parser parser(e, &e.nodes_);
  e.root_ = parser.ParseAll();
  return e;
}

}  // namespace outcore::expr
