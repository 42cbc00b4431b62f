#include "core/batch_ops.h"

#include <cmath>
#include <string_view>
#include <unordered_map>

namespace outcore {

ColumnPtr MakeF64Column(std::vector<double> values) {
  auto c = std::make_shared<Column>(DataType::kF64);
  c->length = static_cast<int64_t>(values.size());
  c->f64 = std::move(values);
  for (int64_t i = 0; i < c->length; ++i)
    if (std::isnan(c->f64[i])) c->SetNull(i);
  return c;
}

ColumnPtr MakeI64Column(std::vector<int64_t> values, DataType type) {
  auto c = std::make_shared<Column>(type);
  c->length = static_cast<int64_t>(values.size());
  c->i64 = std::move(values);
  return c;
}

void CopyValidity(const Column& from, Column* to) {
  to->valid = from.valid;
  to->null_count = from.null_count;
}

template <typename T>
static std::vector<T> Take(const std::vector<T>& v, const std::vector<int64_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (int64_t r : rows) out.push_back(v[r]);
  return out;
}

static ColumnPtr TakeColumn(const Column& in, const std::vector<int64_t>& rows) {
  auto c = std::make_shared<Column>(in.type);
  c->length = static_cast<int64_t>(rows.size());
  c->f64 = in.f64.empty() ? in.f64 : Take(in.f64, rows);
  c->i64 = in.i64.empty() ? in.i64 : Take(in.i64, rows);
  c->u8 = in.u8.empty() ? in.u8 : Take(in.u8, rows);
  c->codes = in.codes.empty() ? in.codes : Take(in.codes, rows);
  c->dict = in.dict;
  c->declared_dict = in.declared_dict;
  if (in.type == DataType::kString) {
    c->offsets.reserve(rows.size() + 1);
    c->offsets.push_back(0);
    for (int64_t r : rows) {
      c->chars.append(in.Str(r));
      c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
    }
  }
  if (!in.valid.empty()) {
    c->valid = Take(in.valid, rows);
    for (uint8_t v : c->valid) c->null_count += v == 0;
    if (c->null_count == 0) c->valid.clear();
  }
  return c;
}

Batch TakeRows(const Batch& batch, const std::vector<int64_t>& rows) {
  Batch out;
  out.schema = batch.schema;
  out.num_rows = static_cast<int64_t>(rows.size());
  for (const auto& col : batch.columns) out.columns.push_back(TakeColumn(*col, rows));
  return out;
}

Batch FilterRows(const Batch& batch, const std::vector<uint8_t>& keep) {
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < batch.num_rows; ++i)
    if (keep[i]) rows.push_back(i);
  return TakeRows(batch, rows);
}

Batch ProjectColumns(const Batch& batch, const Schema& schema) {
  Batch out;
  out.num_rows = batch.num_rows;
  for (const auto& f : schema.fields()) out.Add(f.name, batch.Get(f.name));
  return out;
}

ColumnPtr ConcatColumns(const std::vector<ColumnPtr>& parts) {
  auto c = std::make_shared<Column>(parts.empty() ? DataType::kF64 : parts[0]->type);
  int64_t n = 0;
  for (const auto& p : parts) n += p->length;
  c->length = n;
  bool any_null = false;
  for (const auto& p : parts) any_null = any_null || p->null_count > 0;
  if (any_null) c->valid.reserve(n);
  std::unordered_map<std::string_view, int32_t> codes;
  auto dict = std::make_shared<Dictionary>();
  if (c->type == DataType::kString) c->offsets.push_back(0);
  for (const auto& p : parts) {
    if (any_null)
      for (int64_t i = 0; i < p->length; ++i) c->valid.push_back(p->IsNull(i) ? 0 : 1);
    c->null_count += p->null_count;
    switch (c->type) {
      case DataType::kF64: c->f64.insert(c->f64.end(), p->f64.begin(), p->f64.end()); break;
      case DataType::kI64:
      case DataType::kTimestamp: c->i64.insert(c->i64.end(), p->i64.begin(), p->i64.end()); break;
      case DataType::kBool: c->u8.insert(c->u8.end(), p->u8.begin(), p->u8.end()); break;
      case DataType::kString:
        for (int64_t i = 0; i < p->length; ++i) {
          c->chars.append(p->Str(i));
          c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
        }
        break;
      case DataType::kCategory: {
        std::vector<int32_t> remap(p->dict ? p->dict->size() : 0);
        for (size_t k = 0; k < remap.size(); ++k) {
          auto [it, fresh] = codes.try_emplace((*p->dict)[k], static_cast<int32_t>(dict->size()));
          if (fresh) dict->push_back((*p->dict)[k]);
          remap[k] = it->second;
        }
        // string_views into *p->dict stay valid: parts outlive this function.
        for (int64_t i = 0; i < p->length; ++i)
          c->codes.push_back(p->IsNull(i) ? 0 : remap[p->codes[i]]);
        break;
      }
    }
  }
  if (c->type == DataType::kCategory) c->dict = dict;
  return c;
}

}  // namespace outcore
