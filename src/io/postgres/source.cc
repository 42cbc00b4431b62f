// The PostgreSQL Source: a table is cut into ctid page ranges (or key ranges with split_by),
// a query is one split; each split is read with COPY ... TO STDOUT on its own connection.
//
// Values travel as COPY text, which every column type has, so a column can be read as any
// outcore type its text parses as (ReadOptions.dtypes): the session prints timestamps in ISO
// form and UTC (timestamptz is converted in the SELECT), and floats shortest-round-trip.
#include <libpq-fe.h>

#include <algorithm>
#include <cmath>

#include "io/bad_rows.h"
#include "io/convert.h"
#include "io/postgres/connection.h"
#include "outcore/error.h"
#include "outcore/postgres.h"

namespace outcore::pg {
namespace {

struct SourceColumn {
  std::string name;
  Oid type;
};

std::string Names(const std::vector<SourceColumn>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

std::string DatabaseName(Connection& conn) {
  const char* db = PQdb(conn.raw());
  return db ? db : "";
}

// A user's query as a subquery: a trailing ';' would end it early.
std::string TrimQuery(std::string query) {
  while (!query.empty() &&
         (query.back() == ';' || isspace(static_cast<unsigned char>(query.back()))))
    query.pop_back();
  return query;
}

// Columns and types of `select` (a SELECT), from a LIMIT 0 run of it. A missing table is a
// schema error that names it and says how to find the right name.
std::vector<SourceColumn> Describe(Connection& conn, const Uri& uri, const std::string& select) {
  Result r = conn.Run("SELECT * FROM (" + select + ") AS s LIMIT 0");
  if (!r.ok()) {
    if (r.SqlState() == "42P01" && !uri.table.empty())
      Fail(ErrorCode::kSchema,
           conn.where() + ": table '" + uri.table + "' does not exist in database '" +
               DatabaseName(conn) +
               "' (names are case-sensitive; write SCHEMA.NAME for a schema other than public; "
               "psql's \\dt lists the tables)");
    conn.Throw(r, uri.query.empty() ? "" : "in ?query=");
  }
  std::vector<SourceColumn> columns;
  for (int i = 0; i < r.columns(); ++i) columns.push_back({r.Name(i), r.Type(i)});
  return columns;
}

// The SELECT of a whole input.
std::string InputSelect(const Uri& uri) {
  if (!uri.query.empty()) return TrimQuery(uri.query);
  if (uri.table.empty())
    Fail(ErrorCode::kUsage,
         uri.redacted + ": name a table (?table=NAME) or a query (?query=SELECT...)");
  return "SELECT * FROM " + QuoteRelation(uri.table);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

DataType ResolveType(const SourceColumn& c, const ReadOptions& read) {
  auto declared = read.dtypes.find(c.name);
  if (declared != read.dtypes.end()) return declared->second;
  if (std::find(read.parse_dates.begin(), read.parse_dates.end(), c.name) != read.parse_dates.end())
    return DataType::kTimestamp;
  return MapType(c.type);
}

// Undoes COPY text escaping: \b \f \n \r \t \v, octal \ooo, hex \xhh, else \c is c. (A whole
// field \N is NULL; the caller checks that first.)
void Unescape(std::string_view in, std::string* out) {
  constexpr std::string_view kLetters = "bfnrtv", kControls = "\b\f\n\r\t\v";
  auto digits = [&](size_t* i, int base, int max) {
    int value = 0;
    for (int n = 0; n < max && *i + 1 < in.size(); ++n) {
      int d = HexValue(in[*i + 1]);
      if (d < 0 || d >= base) break;
      value = value * base + d;
      ++*i;
    }
    return static_cast<char>(value);
  };
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 == in.size()) {
      *out += in[i];
      continue;
    }
    char e = in[++i];
    if (size_t k = kLetters.find(e); k != std::string_view::npos) {
      *out += kControls[k];
    } else if (e == 'x' && i + 1 < in.size() && HexValue(in[i + 1]) >= 0) {
      *out += digits(&i, 16, 2);
    } else if (e >= '0' && e <= '7') {
      --i;
      *out += digits(&i, 8, 3);
    } else {
      *out += e;
    }
  }
}

// One value of a row, converted but not yet appended (a bad value drops the whole row).
struct Cell {
  bool null = false;
  int64_t i = 0;
  double d = 0;
  std::string_view text;
};

bool Convert(DataType type, std::string_view text, Cell* cell) {
  switch (type) {
    case DataType::kI64:
      return ParseInt64(text, &cell->i);
    case DataType::kF64:
      if (text == "NaN") return cell->null = true;
      return ParseDouble(text, &cell->d) && !std::isinf(cell->d);
    case DataType::kBool: {
      bool b = false;
      if (text == "t" || text == "f") {
        b = text == "t";
      } else if (!ParseBool(text, &b)) {
        return false;
      }
      cell->i = b;
      return true;
    }
    case DataType::kTimestamp:
      return ParseTimestamp(text, &cell->i);
    case DataType::kString:
    case DataType::kCategory:
      cell->text = text;
      return true;
  }
  return false;
}

class PostgresSplitReader final : public SplitReader {
 public:
  PostgresSplitReader(const Split& split, const ScanOptions& scan, const ReadOptions& read);
  bool Next(Batch* batch) override;
  const ReadStats& stats() const override { return stats_; }

 private:
  bool AddRow(std::string_view line);
  void Append(int c, const Cell& cell);

  std::string path_;  // redacted URI and split, for messages and rejected rows
  std::unique_ptr<Connection> conn_;
  Schema schema_;
  BadRowPolicy policy_;
  int64_t batch_rows_;
  int64_t split_bytes_, copy_bytes_ = 0, row_ = 0;
  bool done_ = false;
  ReadStats stats_;
  std::vector<std::shared_ptr<Column>> columns_;
  std::vector<CategoryEncoder> encoders_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> unescaped_;
  std::vector<Cell> cells_;
  std::vector<BadValue::TypeFrom> type_from_;  // per column: declared in dtypes, else stored
};

PostgresSplitReader::PostgresSplitReader(const Split& split, const ScanOptions& scan,
                                         const ReadOptions& read)
    : policy_(scan.on_bad_rows),
      batch_rows_(std::max<int64_t>(1, scan.batch_rows)),
      split_bytes_(split.end - split.begin) {
  Uri uri = ParseUri(split.path);
  path_ = uri.redacted + "#split=" + std::to_string(split.ordinal);
  conn_ = std::make_unique<Connection>(uri);
  std::vector<SourceColumn> found = Describe(*conn_, uri, split.query);
  std::vector<SourceColumn> chosen;
  if (scan.columns.size() == 0) {
    for (const auto& c : found) schema_.Add({c.name, ResolveType(c, read)});
    chosen = found;
  } else {
    for (const Field& want : scan.columns.fields()) {
      auto it =
          std::find_if(found.begin(), found.end(), [&](auto& c) { return c.name == want.name; });
      if (it == found.end())
        Fail(ErrorCode::kSchema,
             path_ + ": column '" + want.name +
                 "' is required but not in the table (columns: " + Names(found) + ")");
      chosen.push_back(*it);
      schema_.Add(want);
    }
  }
  std::string select;
  for (const auto& c : chosen) {
    std::string expr = QuoteIdent(c.name);
    if (c.type == kTimestamptzOid) expr = "(" + expr + " AT TIME ZONE 'UTC')";
    if (c.type == kBpcharOid) expr += "::text";  // no blank padding
    select += (select.empty() ? "" : ", ") + expr;
  }
  if (select.empty()) Fail(ErrorCode::kSchema, path_ + ": no columns to read");
  conn_->StartCopyOut("COPY (SELECT " + select + " FROM (" + split.query + ") AS s) TO STDOUT");
  unescaped_.resize(chosen.size());
  cells_.resize(chosen.size());
  for (const auto& c : chosen)
    type_from_.push_back(read.dtypes.contains(c.name) ||
                                 std::find(read.parse_dates.begin(), read.parse_dates.end(),
                                           c.name) != read.parse_dates.end()
                             ? BadValue::TypeFrom::kDeclared
                             : BadValue::TypeFrom::kStored);
}

bool PostgresSplitReader::Next(Batch* batch) {
  if (done_) return false;
  int n = schema_.size();
  columns_.clear();
  encoders_.assign(n, CategoryEncoder());
  for (int c = 0; c < n; ++c) {
    columns_.push_back(std::make_shared<Column>(schema_.field(c).type));
    if (columns_.back()->type == DataType::kString) columns_.back()->offsets.push_back(0);
  }
  int64_t rows = 0;
  std::string_view line;
  while (rows < batch_rows_) {
    if (!conn_->NextCopyRow(&line)) {
      done_ = true;
      conn_.reset();
      break;
    }
    ++row_;
    copy_bytes_ += static_cast<int64_t>(line.size());
    if (AddRow(line)) ++rows;
  }
  stats_.bytes_read = split_bytes_ <= 0 ? copy_bytes_
                      : done_           ? split_bytes_
                                        : std::min(copy_bytes_, split_bytes_ - 1);
  if (rows == 0) return false;
  stats_.rows_read += rows;
  *batch = Batch();
  batch->schema = schema_;
  batch->num_rows = rows;
  for (int c = 0; c < n; ++c) {
    if (columns_[c]->type == DataType::kCategory) columns_[c]->dict = encoders_[c].TakeDictionary();
    batch->columns.push_back(std::move(columns_[c]));
  }
  return true;
}

// Converts every field of a row first, so that a bad value leaves the columns untouched.
bool PostgresSplitReader::AddRow(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  fields_.clear();
  for (size_t pos = 0;;) {
    size_t tab = line.find('\t', pos);
    fields_.push_back(line.substr(pos, tab == std::string_view::npos ? tab : tab - pos));
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
  if (fields_.size() != cells_.size())
    Fail(ErrorCode::kInternal, path_ + ", row " + std::to_string(row_) + ": expected " +
                                   std::to_string(cells_.size()) + " values, got " +
                                   std::to_string(fields_.size()));
  for (size_t c = 0; c < fields_.size(); ++c) {
    Cell& cell = cells_[c];
    cell = Cell();
    std::string_view text = fields_[c];
    if (text == "\\N") {
      cell.null = true;
      continue;
    }
    if (text.find('\\') != std::string_view::npos) {
      Unescape(text, &unescaped_[c]);
      text = unescaped_[c];
    }
    const Field& field = schema_.field(static_cast<int>(c));
    if (Convert(field.type, text, &cell)) continue;
    BadValue bad;
    bad.column = field.name;
    bad.value = std::string(text.substr(0, 80));
    bad.type = field.type;
    bad.type_from = type_from_[c];
    if (field.type == DataType::kF64 && (text == "Infinity" || text == "-Infinity"))
      bad.why = std::string(kInfiniteWhy) + " (in a ?query=, NULLIF(NULLIF(" + field.name +
                ", 'Infinity'), '-Infinity') reads them as missing)";
    bad.path = path_;
    bad.line = row_;
    std::string reason = bad.Reason();
    if (policy_ == BadRowPolicy::kStop) {
      done_ = true;
      StopAtBadRow(path_ + ", row " + std::to_string(row_) + ": ", reason, std::move(bad));
    }
    ++stats_.rows_rejected;
    if (policy_ == BadRowPolicy::kReject)
      stats_.rejects.push_back({path_, row_, std::move(reason), std::move(bad)});
    return false;
  }
  for (size_t c = 0; c < cells_.size(); ++c) Append(static_cast<int>(c), cells_[c]);
  return true;
}

void PostgresSplitReader::Append(int c, const Cell& cell) {
  Column& col = *columns_[c];
  switch (col.type) {
    case DataType::kF64:
      col.f64.push_back(cell.d);
      break;
    case DataType::kI64:
    case DataType::kTimestamp:
      col.i64.push_back(cell.i);
      break;
    case DataType::kBool:
      col.u8.push_back(static_cast<uint8_t>(cell.i));
      break;
    case DataType::kString:
      col.chars.append(cell.text);
      col.offsets.push_back(static_cast<int64_t>(col.chars.size()));
      break;
    case DataType::kCategory:
      col.codes.push_back(cell.null ? 0 : encoders_[c].Encode(cell.text));
      break;
  }
  ++col.length;
  if (cell.null)
    col.SetNull(col.length - 1);
  else if (!col.valid.empty())
    col.valid.push_back(1);  // once a column has a validity buffer, every row needs an entry
}

class PostgresSource final : public Source {
 public:
  explicit PostgresSource(const ReadOptions& read) : read_(read) {}

  Schema InspectSchema(const std::string& input) override {
    Uri uri = ParseUri(input);
    Connection conn(uri);
    Schema schema;
    for (const auto& c : Describe(conn, uri, InputSelect(uri)))
      schema.Add({c.name, ResolveType(c, read_)});
    return schema;
  }

  std::vector<Split> Plan(const std::vector<std::string>& inputs, int64_t split_size,
                          int64_t first_ordinal) override {
    std::vector<Split> splits;
    for (const auto& input : inputs) PlanInput(input, split_size, first_ordinal, &splits);
    return splits;
  }

  std::unique_ptr<SplitReader> Open(const Split& split, const ScanOptions& scan) override {
    if (split.format != "postgres")
      Fail(ErrorCode::kInternal,
           "the PostgreSQL source cannot open a '" + split.format + "' split");
    return std::make_unique<PostgresSplitReader>(split, scan, read_);
  }

 private:
  void PlanInput(const std::string& input, int64_t split_size, int64_t first_ordinal,
                 std::vector<Split>* splits);

  ReadOptions read_;
};

void PostgresSource::PlanInput(const std::string& input, int64_t split_size, int64_t first_ordinal,
                               std::vector<Split>* splits) {
  Uri uri = ParseUri(input);
  Connection conn(uri);
  std::string select = InputSelect(uri);
  std::vector<SourceColumn> columns = Describe(conn, uri, select);
  auto add = [&](const std::string& where, int64_t begin, int64_t end) {
    Split s;
    s.ordinal = first_ordinal + static_cast<int64_t>(splits->size());
    s.format = "postgres";
    s.path = uri.redacted;
    s.begin = begin;
    s.end = end;
    s.query = select + (where.empty() ? "" : " WHERE " + where);
    splits->push_back(std::move(s));
  };
  if (!uri.query.empty()) {
    if (!uri.split_by.empty())
      Fail(ErrorCode::kUsage,
           uri.redacted + ": split_by needs ?table= (a ?query= is read as one split)");
    add("", 0, 0);
    return;
  }
  Result info = conn.Exec(
      "SELECT c.relkind, pg_relation_size(c.oid), current_setting('block_size')::bigint "
      "FROM pg_class c WHERE c.oid = to_regclass($1)",
      {QuoteRelation(uri.table)});
  if (info.rows() != 1)
    Fail(ErrorCode::kSchema, conn.where() + ": table '" + uri.table + "' not found");
  std::string kind = info.Value(0, 0);
  int64_t bytes = std::stoll(info.Value(0, 1)), block = std::stoll(info.Value(0, 2));
  int64_t wanted = split_size > 0 ? std::max<int64_t>(1, (bytes + split_size - 1) / split_size) : 1;

  if (!uri.split_by.empty()) {
    auto key = std::find_if(columns.begin(), columns.end(),
                            [&](auto& c) { return c.name == uri.split_by; });
    if (key == columns.end())
      Fail(ErrorCode::kSchema, conn.where() + ": split_by column '" + uri.split_by +
                                   "' is not in the table (columns: " + Names(columns) + ")");
    if (key->type != kInt2Oid && key->type != kInt4Oid && key->type != kInt8Oid)
      Fail(ErrorCode::kUsage,
           conn.where() + ": split_by column '" + uri.split_by + "' is " +
               conn.Exec("SELECT format_type($1::oid, NULL)", {std::to_string(key->type)})
                   .Value(0, 0) +
               "; it must be an integer column");
    std::string col = QuoteIdent(uri.split_by);
    Result range = conn.Exec("SELECT min(" + col + ")::text, max(" + col + ")::text FROM " +
                             QuoteRelation(uri.table));
    if (range.IsNull(0, 0) || wanted == 1) {
      add("", 0, bytes);
      return;
    }
    __int128 lo = std::stoll(range.Value(0, 0)), hi = std::stoll(range.Value(0, 1));
    __int128 step = (hi - lo + wanted) / wanted;  // ceil((hi - lo + 1) / wanted)
    int64_t n = static_cast<int64_t>((hi - lo + step) / step);
    for (int64_t k = 0; k < n; ++k) {
      std::string a = std::to_string(static_cast<int64_t>(lo + step * k));
      std::string b = k + 1 < n ? std::to_string(static_cast<int64_t>(lo + step * (k + 1))) : "";
      // The first range is open below and the last open above (with the NULL keys), so that
      // no row is left out, even one added after planning.
      std::string where = k == 0       ? col + " < " + b
                          : k + 1 == n ? "(" + col + " >= " + a + " OR " + col + " IS NULL)"
                                       : col + " >= " + a + " AND " + col + " < " + b;
      if (n == 1) where.clear();
      add(where, bytes * k / n, bytes * (k + 1) / n);
    }
    return;
  }

  // ctid page ranges of a plain table (TID range scans since PostgreSQL 14); views and
  // partitioned tables have no pages of their own: one split.
  int64_t pages = block > 0 ? bytes / block : 0;
  if ((kind != "r" && kind != "m") || pages == 0 || wanted == 1) {
    add("", 0, bytes);
    return;
  }
  int64_t per_split = std::max<int64_t>(1, split_size / block);
  int64_t n = (pages + per_split - 1) / per_split;
  for (int64_t k = 0; k < n; ++k) {
    int64_t a = k * per_split, b = a + per_split;
    std::string lower = "ctid >= '(" + std::to_string(a) + ",0)'::tid";
    std::string upper = "ctid < '(" + std::to_string(b) + ",0)'::tid";
    // The last range is open-ended: rows on pages added after planning are not lost.
    std::string where = n == 1 ? "" : k == 0 ? upper : k + 1 == n ? lower : lower + " AND " + upper;
    add(where, a * block, k + 1 == n ? bytes : b * block);
  }
}

}  // namespace
}  // namespace outcore::pg

namespace outcore {

std::unique_ptr<Source> MakePostgresSource(const ReadOptions& read) {
  return std::make_unique<pg::PostgresSource>(read);
}

// One scan: count(*) notices rows added or deleted, max(xmin) rows inserted or updated (a
// newer transaction id; xids wrap around only after ~4 billion transactions).
Json PostgresInputSignature(const std::string& input) {
  pg::Uri uri = pg::ParseUri(input);
  if (uri.table.empty()) return nullptr;  // a query's result is not stored anywhere to sign
  pg::Connection conn(uri);
  pg::Result r = conn.Exec("SELECT count(*)::text, coalesce(max(xmin::text::bigint), 0)::text FROM " +
                           pg::QuoteRelation(uri.table));
  return {{"rows", std::stoll(r.Value(0, 0))}, {"max_xmin", std::stoll(r.Value(0, 1))}};
}

}  // namespace outcore
