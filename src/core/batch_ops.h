#pragma once
// Small helpers to build columns and reshape batches (internal).
#include <vector>

#include "outcore/column.h"

namespace outcore {

/// A float column from values; NaN entries are marked missing.
ColumnPtr MakeF64Column(std::vector<double> values);
/// An int column with no missing values.
ColumnPtr MakeI64Column(std::vector<int64_t> values, DataType type = DataType::kI64);
/// Copies the validity of `from` (for a column of the same length).
void CopyValidity(const Column& from, Column* to);

/// Rows `rows` of `batch`, in that order (indices may repeat).
Batch TakeRows(const Batch& batch, const std::vector<int64_t>& rows);
/// Rows of `batch` whose `keep` entry is nonzero.
Batch FilterRows(const Batch& batch, const std::vector<uint8_t>& keep);
/// The columns of `batch` named by `schema`, in its order (each must be in the batch).
Batch ProjectColumns(const Batch& batch, const Schema& schema);
/// One column holding the rows of `parts` in order (all of one type; categories re-coded
/// into one dictionary).
ColumnPtr ConcatColumns(const std::vector<ColumnPtr>& parts);

}  // namespace outcore
