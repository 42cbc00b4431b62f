#include "choose/rows.h"

#include "core/batch_ops.h"

namespace outcore::choose {
namespace {

template <typename T>
std::vector<T> Take(const std::vector<T>& v, const std::vector<int64_t>& rows) {
  if (v.empty()) return v;
  std::vector<T> out;
  out.reserve(rows.size());
  for (int64_t r : rows) out.push_back(v[r]);
  return out;
}

ColumnPtr TakeColumn(const Column& in, const std::vector<int64_t>& rows) {
  auto c = std::make_shared<Column>(in.type);
  c->length = static_cast<int64_t>(rows.size());
  c->f64 = Take(in.f64, rows);
  c->i64 = Take(in.i64, rows);
  c->u8 = Take(in.u8, rows);
  c->codes = Take(in.codes, rows);
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

}  // namespace

Batch TakeRows(const Batch& batch, const std::vector<int64_t>& rows) {
  Batch out;
  out.schema = batch.schema;
  out.num_rows = static_cast<int64_t>(rows.size());
  for (const auto& column : batch.columns) out.columns.push_back(TakeColumn(*column, rows));
  return out;
}

Batch ConcatBatches(const std::vector<Batch>& batches) {
  if (batches.size() == 1) return batches[0];
  Batch out;
  if (batches.empty()) return out;
  out.schema = batches[0].schema;
  for (const Batch& b : batches) out.num_rows += b.num_rows;
  for (size_t j = 0; j < out.schema.fields().size(); ++j) {
    std::vector<ColumnPtr> parts;
    for (const Batch& b : batches) parts.push_back(b.columns[j]);
    out.columns.push_back(ConcatColumns(parts));
  }
  return out;
}

}  // namespace outcore::choose
