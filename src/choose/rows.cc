#include "choose/rows.h"

#include "core/batch_ops.h"

namespace outcore::choose {

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
