// Evaluates an expression over a batch column-wise: one loop over the rows per node, in the
// order the nodes are stored (operands first), each node's values freed once its parent has
// used them. Missing values: a number is NaN, a bool 2, a string code -1, a datetime flagged.
// Every number a node makes that is not finite (x / 0, log(0), sqrt(-1), exp(1000)) is missing.
#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "pipeline/calendar.h"
#include "pipeline/expression/expression.h"

namespace outcore::expr {
namespace {

constexpr uint8_t kNA = 2;  // a missing bool
const double kMissing = std::nan("");

// One node's values for every row; only the vectors of its type are used.
struct Values {
  std::vector<double> num;          // number: NaN = missing
  std::vector<uint8_t> flag;        // bool: 0, 1 or kNA
  std::vector<int64_t> time;        // datetime: microseconds
  std::vector<uint8_t> time_na;     // datetime: 1 = missing
  DictionaryPtr dict;               // string: the distinct texts (duplicates allowed)
  std::vector<int32_t> codes;       // string: index into dict, -1 = missing
};

double Finite(double x) { return std::isfinite(x) ? x : kMissing; }

Values Load(const Column& c, Type type, int64_t n) {
  Values v;
  switch (type) {
    case Type::kNumber:
      v.num.resize(n);
      if (c.type == DataType::kF64)
        for (int64_t i = 0; i < n; ++i) v.num[i] = c.IsNull(i) ? kMissing : Finite(c.f64[i]);
      else
        for (int64_t i = 0; i < n; ++i) v.num[i] = c.IsNull(i) ? kMissing : static_cast<double>(c.i64[i]);
      break;
    case Type::kBool:
      v.flag.resize(n);
      for (int64_t i = 0; i < n; ++i) v.flag[i] = c.IsNull(i) ? kNA : c.u8[i] != 0;
      break;
    case Type::kDatetime:
      v.time.assign(c.i64.begin(), c.i64.begin() + n);
      v.time_na.resize(n);
      for (int64_t i = 0; i < n; ++i) v.time_na[i] = c.IsNull(i);
      break;
    case Type::kText:
      v.codes.resize(n);
      if (c.type == DataType::kCategory) {
        v.dict = c.dict ? c.dict : std::make_shared<Dictionary>();
        for (int64_t i = 0; i < n; ++i) v.codes[i] = c.IsNull(i) ? -1 : c.codes[i];
      } else {  // a string column: coded through its distinct values
        auto dict = std::make_shared<Dictionary>();
        std::unordered_map<std::string_view, int32_t> index;
        for (int64_t i = 0; i < n; ++i) {
          if (c.IsNull(i)) {
            v.codes[i] = -1;
            continue;
          }
          auto [it, fresh] = index.try_emplace(c.Str(i), static_cast<int32_t>(dict->size()));
          if (fresh) dict->emplace_back(it->first);
          v.codes[i] = it->second;
        }
        v.dict = std::move(dict);
      }
      break;
  }
  return v;
}

// Numbers of a number or bool node (a bool is 0 or 1).
const std::vector<double>& Numbers(Values& v, Type type) {
  if (type == Type::kBool && v.num.empty()) {
    v.num.resize(v.flag.size());
    for (size_t i = 0; i < v.flag.size(); ++i) v.num[i] = v.flag[i] == kNA ? kMissing : v.flag[i];
  }
  return v.num;
}

bool IsMissing(const Values& v, Type type, int64_t i) {
  switch (type) {
    case Type::kNumber: return std::isnan(v.num[i]);
    case Type::kBool: return v.flag[i] == kNA;
    case Type::kDatetime: return v.time_na[i] != 0;
    case Type::kText: return v.codes[i] < 0;
  }
  return false;
}

// Three-way comparison of row i of a and b (both present): <0, 0, >0.
int CompareRow(const Values& a, const Values& b, Type type, int64_t i) {
  switch (type) {
    case Type::kNumber: return a.num[i] < b.num[i] ? -1 : a.num[i] > b.num[i] ? 1 : 0;
    case Type::kDatetime: return a.time[i] < b.time[i] ? -1 : a.time[i] > b.time[i] ? 1 : 0;
    case Type::kText: {
      const int c = std::string_view((*a.dict)[a.codes[i]]).compare((*b.dict)[b.codes[i]]);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case Type::kBool: break;  // compared as numbers
  }
  return 0;
}

// `v` (of type `from`) as values of type `to` (the same, or a bool as a number).
Values& As(Values& v, Type from, Type to) {
  if (from == Type::kBool && to == Type::kNumber) Numbers(v, from);
  return v;
}

// An empty result of `type` for n rows, every row missing.
Values Empty(Type type, int64_t n, const Values* text_like = nullptr) {
  Values r;
  switch (type) {
    case Type::kNumber: r.num.assign(n, kMissing); break;
    case Type::kBool: r.flag.assign(n, kNA); break;
    case Type::kDatetime: r.time.assign(n, 0), r.time_na.assign(n, 1); break;
    case Type::kText: r.codes.assign(n, -1), r.dict = text_like ? text_like->dict : std::make_shared<Dictionary>(); break;
  }
  return r;
}

// r[i] = v[i] for the rows where `take` is set; for strings, v's texts are appended to r's
// dictionary first (the result is of `type`, v already converted to it).
void CopyRows(Values& r, const Values& v, Type type, const std::vector<uint8_t>& take) {
  const int64_t n = static_cast<int64_t>(take.size());
  int32_t offset = 0;
  if (type == Type::kText && v.dict != r.dict) {
    auto dict = std::make_shared<Dictionary>(*r.dict);
    offset = static_cast<int32_t>(dict->size());
    dict->insert(dict->end(), v.dict->begin(), v.dict->end());
    r.dict = std::move(dict);
  }
  for (int64_t i = 0; i < n; ++i) {
    if (!take[i]) continue;
    switch (type) {
      case Type::kNumber: r.num[i] = v.num[i]; break;
      case Type::kBool: r.flag[i] = v.flag[i]; break;
      case Type::kDatetime: r.time[i] = v.time[i], r.time_na[i] = v.time_na[i]; break;
      case Type::kText: r.codes[i] = v.codes[i] < 0 ? -1 : v.codes[i] + offset; break;
    }
  }
}

template <typename F>
std::vector<double> Map1(const std::vector<double>& a, F f) {
  std::vector<double> r(a.size());
  for (size_t i = 0; i < a.size(); ++i) r[i] = Finite(f(a[i]));
  return r;
}

template <typename F>
std::vector<double> Map2(const std::vector<double>& a, const std::vector<double>& b, F f) {
  std::vector<double> r(a.size());
  for (size_t i = 0; i < a.size(); ++i) r[i] = Finite(f(a[i], b[i]));
  return r;
}

// Python's and pandas' modulo: the result has the divisor's sign; x % 0 is missing.
double Mod(double a, double b) {
  double r = std::fmod(a, b);
  if (r != 0 && (r < 0) != (b < 0)) r += b;
  return r;
}

// numpy's round(x, digits): half to even, through a power of ten.
double Round(double x, int digits) {
  if (digits >= 0) {
    const double f = std::pow(10.0, digits);
    return std::nearbyint(x * f) / f;
  }
  const double f = std::pow(10.0, -digits);
  return std::nearbyint(x / f) * f;
}

int64_t Utf8Length(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string MapAscii(const std::string& s, bool upper) {
  std::string out = s;
  for (char& c : out) {
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

CalendarPart PartOf(Fn fn) {
  switch (fn) {
    case Fn::kHour: return CalendarPart::kHour;
    case Fn::kMinute: return CalendarPart::kMinute;
    case Fn::kDay: return CalendarPart::kDay;
    case Fn::kMonth: return CalendarPart::kMonth;
    case Fn::kYear: return CalendarPart::kYear;
    case Fn::kDayOfWeek: return CalendarPart::kDayOfWeek;
    default: return CalendarPart::kDayOfYear;
  }
}

ColumnPtr ToColumn(Values& v, Type type, int64_t n) {
  auto c = std::make_shared<Column>();
  c->length = n;
  switch (type) {
    case Type::kNumber:
      c->type = DataType::kF64;
      c->f64 = std::move(v.num);
      for (int64_t i = 0; i < n; ++i)
        if (std::isnan(c->f64[i])) c->SetNull(i);
      break;
    case Type::kBool:
      c->type = DataType::kBool;
      c->u8.resize(n);
      for (int64_t i = 0; i < n; ++i) {
        c->u8[i] = v.flag[i] == 1;
        if (v.flag[i] == kNA) c->SetNull(i);
      }
      break;
    case Type::kDatetime:
      c->type = DataType::kTimestamp;
      c->i64 = std::move(v.time);
      for (int64_t i = 0; i < n; ++i)
        if (v.time_na[i]) c->SetNull(i);
      break;
    case Type::kText:
      c->type = DataType::kString;
      c->offsets.reserve(n + 1);
      c->offsets.push_back(0);
      for (int64_t i = 0; i < n; ++i) {
        if (v.codes[i] < 0) c->SetNull(i);
        else c->chars += (*v.dict)[v.codes[i]];
        c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
      }
      break;
  }
  return c;
}

}  // namespace

ColumnPtr Expression::Evaluate(const Batch& batch) const {
  std::vector<Type> t;
  const Type result = Check(batch.schema, &t);
  const int64_t n = batch.num_rows;
  std::vector<Values> vals(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& node = nodes_[i];
    Values& r = vals[i];
    auto arg = [&](size_t k) -> Values& { return vals[node.args[k]]; };
    auto type = [&](size_t k) { return t[node.args[k]]; };
    auto num = [&](size_t k) -> const std::vector<double>& { return Numbers(arg(k), type(k)); };
    switch (node.op) {
      case Op::kNumber: r.num.assign(n, node.number); break;
      case Op::kTrue:
      case Op::kFalse: r.flag.assign(n, node.op == Op::kTrue); break;
      case Op::kString:
        r.dict = std::make_shared<Dictionary>(Dictionary{node.text});
        r.codes.assign(n, 0);
        break;
      case Op::kColumn: r = Load(*batch.Get(node.text), t[i], n); break;
      case Op::kNeg: r.num = Map1(num(0), [](double a) { return -a; }); break;
      case Op::kAdd: r.num = Map2(num(0), num(1), [](double a, double b) { return a + b; }); break;
      case Op::kSub: r.num = Map2(num(0), num(1), [](double a, double b) { return a - b; }); break;
      case Op::kMul: r.num = Map2(num(0), num(1), [](double a, double b) { return a * b; }); break;
      case Op::kDiv: r.num = Map2(num(0), num(1), [](double a, double b) { return a / b; }); break;
      case Op::kMod: r.num = Map2(num(0), num(1), Mod); break;
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe: {
        Type common = type(0) == type(1) ? type(0) : Type::kNumber;
        if (common == Type::kBool) common = Type::kNumber;
        Values& a = As(arg(0), type(0), common);
        Values& b = As(arg(1), type(1), common);
        r.flag.resize(n);
        for (int64_t row = 0; row < n; ++row) {
          if (IsMissing(a, common, row) || IsMissing(b, common, row)) {
            r.flag[row] = kNA;
            continue;
          }
          const int c = CompareRow(a, b, common, row);
          bool v = false;
          switch (node.op) {
            case Op::kLt: v = c < 0; break;
            case Op::kLe: v = c <= 0; break;
            case Op::kGt: v = c > 0; break;
            case Op::kGe: v = c >= 0; break;
            case Op::kEq: v = c == 0; break;
            default: v = c != 0; break;
          }
          r.flag[row] = v;
        }
        break;
      }
      case Op::kNot:
        r.flag.resize(n);
        for (int64_t row = 0; row < n; ++row) r.flag[row] = arg(0).flag[row] == kNA ? kNA : !arg(0).flag[row];
        break;
      case Op::kAnd:
      case Op::kOr: {  // Kleene's logic, as pandas' nullable booleans: false and NA is false
        const uint8_t dominant = node.op == Op::kAnd ? 0 : 1;
        const auto& a = arg(0).flag;
        const auto& b = arg(1).flag;
        r.flag.resize(n);
        for (int64_t row = 0; row < n; ++row)
          r.flag[row] = a[row] == dominant || b[row] == dominant ? dominant
                        : a[row] == kNA || b[row] == kNA       ? kNA
                                                               : !dominant;
        break;
      }
      case Op::kCall:
        switch (node.function) {
          case Fn::kIf: {
            Values& a = As(arg(1), type(1), t[i]);
            Values& b = As(arg(2), type(2), t[i]);
            const auto& cond = arg(0).flag;
            r = Empty(t[i], n, &a);
            std::vector<uint8_t> take(n);
            for (int64_t row = 0; row < n; ++row) take[row] = cond[row] == 1;
            CopyRows(r, a, t[i], take);
            for (int64_t row = 0; row < n; ++row) take[row] = cond[row] == 0;
            CopyRows(r, b, t[i], take);
            break;
          }
          case Fn::kCoalesce: {
            r = Empty(t[i], n, &arg(0));
            std::vector<uint8_t> take(n);
            for (size_t k = 0; k < node.args.size(); ++k) {
              Values& v = As(arg(k), type(k), t[i]);
              bool any = false;
              for (int64_t row = 0; row < n; ++row)
                any |= (take[row] = IsMissing(r, t[i], row) && !IsMissing(v, t[i], row)) != 0;
              if (any) CopyRows(r, v, t[i], take);
            }
            break;
          }
          case Fn::kNullIf: {
            Type common = type(0) == type(1) ? type(0) : Type::kNumber;
            if (common == Type::kBool) common = Type::kNumber;
            As(arg(0), type(0), common);
            As(arg(1), type(1), common);
            std::vector<uint8_t> equal(n);
            for (int64_t row = 0; row < n; ++row)
              equal[row] = !IsMissing(arg(0), common, row) && !IsMissing(arg(1), common, row) &&
                           CompareRow(arg(0), arg(1), common, row) == 0;
            r = std::move(arg(0));
            for (int64_t row = 0; row < n; ++row) {
              if (!equal[row]) continue;
              switch (t[i]) {
                case Type::kNumber: r.num[row] = kMissing; break;
                case Type::kBool: r.flag[row] = kNA; break;
                case Type::kDatetime: r.time_na[row] = 1; break;
                case Type::kText: r.codes[row] = -1; break;
              }
            }
            if (t[i] == Type::kBool) r.num.clear();  // the numbers made for the comparison are stale
            break;
          }
          case Fn::kIsNull:
            r.flag.resize(n);
            for (int64_t row = 0; row < n; ++row) r.flag[row] = IsMissing(arg(0), type(0), row);
            break;
          case Fn::kAbs: r.num = Map1(num(0), [](double a) { return std::fabs(a); }); break;
          case Fn::kLog: r.num = Map1(num(0), [](double a) { return std::log(a); }); break;
          case Fn::kLog1p: r.num = Map1(num(0), [](double a) { return std::log1p(a); }); break;
          case Fn::kExp: r.num = Map1(num(0), [](double a) { return std::exp(a); }); break;
          case Fn::kSqrt: r.num = Map1(num(0), [](double a) { return std::sqrt(a); }); break;
          case Fn::kFloor: r.num = Map1(num(0), [](double a) { return std::floor(a); }); break;
          case Fn::kPow: r.num = Map2(num(0), num(1), [](double a, double b) { return std::pow(a, b); }); break;
          case Fn::kMin:
          case Fn::kMax: {  // a missing argument makes the result missing (numpy's minimum)
            const bool is_min = node.function == Fn::kMin;
            r.num = num(0);
            for (size_t k = 1; k < node.args.size(); ++k)
              r.num = Map2(r.num, num(k), [is_min](double a, double b) {
                if (std::isnan(a) || std::isnan(b)) return kMissing;
                return is_min ? std::min(a, b) : std::max(a, b);
              });
            break;
          }
          case Fn::kClip: {
            const auto& lo = num(1);
            const auto& hi = num(2);
            r.num = Map2(num(0), lo, [](double x, double l) { return std::isnan(l) ? kMissing : std::max(x, l); });
            r.num = Map2(r.num, hi, [](double x, double h) { return std::isnan(h) || std::isnan(x) ? kMissing : std::min(x, h); });
            break;
          }
          case Fn::kRound: {
            int digits = 0;
            if (node.args.size() == 2) {
              const Node& d = nodes_[node.args[1]];
              digits = static_cast<int>(d.op == Op::kNeg ? -nodes_[d.args[0]].number : d.number);
            }
            r.num = Map1(num(0), [digits](double a) { return Round(a, digits); });
            break;
          }
          case Fn::kHour:
          case Fn::kMinute:
          case Fn::kDay:
          case Fn::kMonth:
          case Fn::kYear:
          case Fn::kDayOfWeek:
          case Fn::kDayOfYear: {
            const CalendarPart part = PartOf(node.function);
            const Values& a = arg(0);
            r.num.resize(n);
            for (int64_t row = 0; row < n; ++row)
              r.num[row] = a.time_na[row] ? kMissing : static_cast<double>(CalendarPartOf(a.time[row], part));
            break;
          }
          case Fn::kLower:
          case Fn::kUpper: {  // per distinct text, not per row
            auto dict = std::make_shared<Dictionary>();
            dict->reserve(arg(0).dict->size());
            for (const auto& s : *arg(0).dict) dict->push_back(MapAscii(s, node.function == Fn::kUpper));
            r.dict = std::move(dict);
            r.codes = std::move(arg(0).codes);
            break;
          }
          case Fn::kLength: {
            const Values& a = arg(0);
            std::vector<double> lengths;
            for (const auto& s : *a.dict) lengths.push_back(static_cast<double>(Utf8Length(s)));
            r.num.resize(n);
            for (int64_t row = 0; row < n; ++row) r.num[row] = a.codes[row] < 0 ? kMissing : lengths[a.codes[row]];
            break;
          }
        }
        break;
    }
    for (int a : node.args) vals[a] = Values();  // each node has one parent: done with it
  }
  return ToColumn(vals[root_], result, n);
}

}  // namespace outcore::expr
