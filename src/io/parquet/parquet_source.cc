// The Parquet Source: reads the footer of each file (cached while the file is unchanged), plans
// splits as ranges of row groups, and opens split readers that read only the column chunks of
// the projected columns, one row group at a time.
//
// Bad values are reported as "FILE: row group G, row R: column 'X': cannot parse 'V' as TYPE",
// with G the row group's index from 0 (as parquet tools number them) and R the row's number
// in the file from 1 (RejectedRow::line is R too).
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "io/bad_rows.h"
#include "io/input_file.h"
#include "io/parquet/reader_column.h"
#include "io/parquet/reader_metadata.h"
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/source.h"

namespace outcore::parquet {
namespace {

std::string ColumnNames(const FileLayout& layout) {
  std::string joined;
  for (const LeafColumn& leaf : layout.columns) joined += (joined.empty() ? "" : ", ") + leaf.name;
  return joined;
}

// Compacts a column to the rows whose `keep` is 1.
void KeepRows(Column* c, const std::vector<uint8_t>& keep) {
  auto compact = [&](auto& values) {
    size_t out = 0;
    for (size_t i = 0; i < keep.size(); ++i)
      if (keep[i]) values[out++] = values[i];
    values.resize(out);
  };
  switch (c->type) {
    case DataType::kF64:
      compact(c->f64);
      break;
    case DataType::kI64:
    case DataType::kTimestamp:
      compact(c->i64);
      break;
    case DataType::kBool:
      compact(c->u8);
      break;
    case DataType::kCategory:
      compact(c->codes);
      break;
    case DataType::kString: {
      std::string chars;
      std::vector<int64_t> offsets = {0};
      for (size_t i = 0; i < keep.size(); ++i) {
        if (!keep[i]) continue;
        chars.append(c->Str(static_cast<int64_t>(i)));
        offsets.push_back(static_cast<int64_t>(chars.size()));
      }
      c->chars = std::move(chars);
      c->offsets = std::move(offsets);
      break;
    }
  }
  if (!c->valid.empty()) {
    compact(c->valid);
    c->null_count = std::count(c->valid.begin(), c->valid.end(), 0);
  }
  c->length = std::count(keep.begin(), keep.end(), 1);
}

// One column to produce: its name and type, and the leaf it is read from.
struct Output {
  std::string name;
  DataType type;
  int leaf;
};

class ParquetSplitReader final : public SplitReader {
 public:
  ParquetSplitReader(const Split& split, std::shared_ptr<const FileLayout> layout,
                     std::vector<Output> outputs, const ReadOptions& options, BadRowPolicy policy,
                     int64_t batch_rows)
      : file_(split.path),
        layout_(std::move(layout)),
        outputs_(std::move(outputs)),
        policy_(policy),
        batch_rows_(std::max<int64_t>(batch_rows, 1)),
        next_group_(split.begin),
        end_group_(split.end) {
    for (const Output& out : outputs_) {
      readers_.push_back(
          std::make_unique<ColumnReader>(layout_->columns[out.leaf], out.type, options.na_values));
      schema_.Add({out.name, out.type});
      const bool declared = options.dtypes.contains(out.name) ||
                            std::find(options.parse_dates.begin(), options.parse_dates.end(),
                                      out.name) != options.parse_dates.end();
      type_from_.push_back(declared ? BadValue::TypeFrom::kDeclared : BadValue::TypeFrom::kStored);
    }
  }

  bool Next(Batch* batch) override;
  const ReadStats& stats() const override { return stats_; }

 private:
  // Where rows of the batch come from: rows from batch_row on are rows of `group` from
  // group_row on.
  struct Segment {
    int64_t batch_row, group, group_row;
  };

  bool StartRowGroup();
  int64_t ReadRows();
  int64_t DropBadRows(int64_t rows, std::vector<std::shared_ptr<Column>>* columns);
  int64_t FileRow(int64_t batch_row) const;
  int64_t GroupOf(int64_t batch_row) const;

  InputFile file_;
  std::shared_ptr<const FileLayout> layout_;
  std::vector<Output> outputs_;
  std::vector<std::unique_ptr<ColumnReader>> readers_;
  std::vector<BadValue::TypeFrom> type_from_;  // per output
  Schema schema_;
  const BadRowPolicy policy_;
  const int64_t batch_rows_;
  int64_t next_group_, end_group_;
  int64_t group_ = -1, group_rows_ = 0, group_row_ = 0;
  std::vector<Segment> segments_;
  bool done_ = false;
  ReadStats stats_;
};

bool ParquetSplitReader::StartRowGroup() {
  if (next_group_ >= end_group_) return false;
  group_ = next_group_++;
  const RowGroupInfo& group = layout_->row_groups[group_];
  group_rows_ = group.num_rows;
  group_row_ = 0;
  if (group_rows_ == 0) return true;  // no pages to read (the chunks may have no offsets)
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const ChunkInfo& chunk = group.chunks[outputs_[i].leaf];
    std::string bytes(static_cast<size_t>(chunk.compressed_size), '\0');
    if (file_.Read(chunk.offset, chunk.compressed_size, bytes.data()) != chunk.compressed_size)
      Fail(ErrorCode::kIO, file_.path() + ": the file ended early (did it change while read?)");
    stats_.bytes_read += chunk.compressed_size;
    readers_[i]->StartChunk(std::move(bytes), chunk,
                            file_.path() + ": row group " + std::to_string(group_) + ", column '" +
                                outputs_[i].name + "'");
  }
  return true;
}

// Reads up to batch_rows_ rows into the readers' columns; returns how many.
int64_t ParquetSplitReader::ReadRows() {
  const int64_t expected = std::min<int64_t>(batch_rows_, 1 << 16);
  for (auto& reader : readers_) reader->BeginBatch(expected);
  segments_.clear();
  int64_t rows = 0;
  while (rows < batch_rows_) {
    if (group_row_ == group_rows_) {
      if (!StartRowGroup()) break;
      continue;
    }
    const int64_t k = std::min(batch_rows_ - rows, group_rows_ - group_row_);
    segments_.push_back(Segment{rows, group_, group_row_});
    for (auto& reader : readers_) reader->Read(k);
    rows += k;
    group_row_ += k;
  }
  return rows;
}

bool ParquetSplitReader::Next(Batch* batch) {
  *batch = Batch();
  while (!done_) {
    int64_t rows;
    std::vector<std::shared_ptr<Column>> columns;
    try {
      rows = ReadRows();
      for (auto& reader : readers_) columns.push_back(reader->TakeColumn());
    } catch (...) {
      done_ = true;
      throw;
    }
    if (rows == 0) break;
    const int64_t kept = rows - DropBadRows(rows, &columns);
    if (kept == 0) continue;  // every row of this batch was bad: read on
    batch->schema = schema_;
    for (auto& column : columns) batch->columns.push_back(std::move(column));
    batch->num_rows = kept;
    stats_.rows_read += kept;
    return true;
  }
  done_ = true;
  return false;
}

int64_t ParquetSplitReader::GroupOf(int64_t batch_row) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), batch_row,
                             [](int64_t row, const Segment& s) { return row < s.batch_row; });
  return std::prev(it)->group;
}

int64_t ParquetSplitReader::FileRow(int64_t batch_row) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), batch_row,
                             [](int64_t row, const Segment& s) { return row < s.batch_row; });
  const Segment& s = *std::prev(it);
  return layout_->row_groups[s.group].first_row + s.group_row + (batch_row - s.batch_row) + 1;
}

// Applies the bad-row policy to the values that could not be converted; returns how many rows
// were dropped from the columns.
int64_t ParquetSplitReader::DropBadRows(int64_t rows,
                                        std::vector<std::shared_ptr<Column>>* columns) {
  struct Found {
    int64_t row;
    size_t output;
    const BadCell* bad;
  };
  std::vector<Found> found;
  for (size_t i = 0; i < readers_.size(); ++i)
    for (const BadCell& bad : readers_[i]->bad_values()) found.push_back({bad.row, i, &bad});
  if (found.empty()) return 0;
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return a.row != b.row ? a.row < b.row : a.output < b.output;
  });
  auto bad_value = [&](const Found& f) {
    BadValue bad;
    bad.column = outputs_[f.output].name;
    bad.value = f.bad->text;
    bad.type = outputs_[f.output].type;
    bad.type_from = type_from_[f.output];
    bad.why = f.bad->why;
    bad.path = file_.path();
    bad.line = FileRow(f.row);
    bad.row_group = GroupOf(f.row);
    return bad;
  };
  if (policy_ == BadRowPolicy::kStop) {
    done_ = true;
    BadValue bad = bad_value(found[0]);
    const std::string place = bad.path + ": row group " + std::to_string(bad.row_group) +
                              ", row " + std::to_string(bad.line) + ": ";
    const std::string reason = bad.Reason();
    StopAtBadRow(place, reason, std::move(bad));
  }
  std::vector<uint8_t> keep(rows, 1);
  int64_t dropped = 0;
  for (const Found& f : found) {
    if (!keep[f.row]) continue;  // one reason per row: its first bad column
    keep[f.row] = 0;
    ++dropped;
    ++stats_.rows_rejected;
    if (policy_ == BadRowPolicy::kReject) {
      BadValue bad = bad_value(f);
      std::string reason = bad.Reason();
      stats_.rejects.push_back(RejectedRow{bad.path, bad.line, std::move(reason), std::move(bad)});
    }
  }
  for (auto& column : *columns) KeepRows(column.get(), keep);
  return dropped;
}

class ParquetSource final : public Source {
 public:
  explicit ParquetSource(const ReadOptions& options) : options_(options) {}

  Schema InspectSchema(const std::string& input) override;
  std::vector<Split> Plan(const std::vector<std::string>& inputs, int64_t split_size,
                          int64_t first_ordinal) override;
  std::unique_ptr<SplitReader> Open(const Split& split, const ScanOptions& scan) override;

 private:
  struct Cached {
    InputStamp stamp{-1, ""};
    std::shared_ptr<const FileLayout> layout;
  };

  std::shared_ptr<const FileLayout> Layout(const std::string& path);
  DataType ResolvedType(const LeafColumn& leaf) const;

  const ReadOptions options_;
  std::mutex mutex_;  // Open runs on many threads at once
  std::map<std::string, Cached> files_;
};

std::shared_ptr<const FileLayout> ParquetSource::Layout(const std::string& path) {
  const InputStamp stamp = StampInput(path);
  std::lock_guard<std::mutex> lock(mutex_);
  Cached& cached = files_[path];
  if (cached.layout == nullptr || cached.stamp != stamp) {
    InputFile file(path);
    cached = Cached{stamp, std::make_shared<const FileLayout>(ReadFileLayout(file))};
  }
  return cached.layout;
}

// The type a column is read as: declared in the read options, or else the file's own.
DataType ParquetSource::ResolvedType(const LeafColumn& leaf) const {
  auto declared = options_.dtypes.find(leaf.name);
  if (declared != options_.dtypes.end()) return declared->second;
  if (std::find(options_.parse_dates.begin(), options_.parse_dates.end(), leaf.name) !=
      options_.parse_dates.end())
    return DataType::kTimestamp;
  return leaf.type;
}

Schema ParquetSource::InspectSchema(const std::string& input) {
  const std::vector<std::string> files = ExpandInputs({input});
  Schema schema;
  for (const LeafColumn& leaf : Layout(files[0])->columns)
    schema.Add({leaf.name, ResolvedType(leaf)});
  return schema;
}

std::vector<Split> ParquetSource::Plan(const std::vector<std::string>& inputs, int64_t split_size,
                                       int64_t first_ordinal) {
  std::vector<Split> splits;
  int64_t ordinal = first_ordinal;
  auto add = [&](const std::string& path, int64_t begin, int64_t end) {
    splits.push_back(Split::Range(ordinal++, "parquet", path, begin, end));
  };
  for (const std::string& path : ExpandInputs(inputs)) {
    const std::shared_ptr<const FileLayout> layout = Layout(path);
    const int64_t groups = static_cast<int64_t>(layout->row_groups.size());
    if (groups == 0) {
      add(path, 0, 0);  // an empty file still gets a split, so that opening it checks columns
      continue;
    }
    int64_t begin = 0, bytes = 0;
    for (int64_t g = 0; g < groups; ++g) {
      bytes += layout->row_groups[g].compressed_size;
      // At least one row group per split; split_size <= 0 means one split per file.
      if (g == groups - 1 || (split_size > 0 && bytes >= split_size)) {
        add(path, begin, g + 1);
        begin = g + 1;
        bytes = 0;
      }
    }
  }
  return splits;
}

std::unique_ptr<SplitReader> ParquetSource::Open(const Split& split, const ScanOptions& scan) {
  if (split.format != "parquet")
    Fail(ErrorCode::kInternal, "the Parquet source cannot open a '" + split.format + "' split");
  std::shared_ptr<const FileLayout> layout = Layout(split.path);
  const int64_t groups = static_cast<int64_t>(layout->row_groups.size());
  if (split.begin < 0 || split.begin > split.end || split.end > groups)
    Fail(ErrorCode::kIO, split.path + ": split of row groups [" + std::to_string(split.begin) +
                             ", " + std::to_string(split.end) + ") is outside the file's " +
                             std::to_string(groups) + " row groups: did it change?");
  std::vector<Output> outputs;
  if (scan.columns.size() == 0) {
    for (size_t i = 0; i < layout->columns.size(); ++i)
      outputs.push_back(
          Output{layout->columns[i].name, ResolvedType(layout->columns[i]), static_cast<int>(i)});
  } else {
    std::unordered_map<std::string_view, int> leaf_of_name;
    for (size_t i = 0; i < layout->columns.size(); ++i)
      leaf_of_name.emplace(layout->columns[i].name, static_cast<int>(i));
    for (const Field& wanted : scan.columns.fields()) {
      auto it = leaf_of_name.find(wanted.name);
      if (it == leaf_of_name.end())
        Fail(ErrorCode::kSchema,
             split.path + ": column '" + wanted.name +
                 "' is required but not in the file (columns: " + ColumnNames(*layout) + ")");
      outputs.push_back(Output{wanted.name, wanted.type, it->second});
    }
  }
  // Binary columns are refused only when read: a model that does not use one reads the file.
  for (const Output& out : outputs) {
    const LeafColumn& leaf = layout->columns[out.leaf];
    if (leaf.kind == ValueKind::kBinary)
      Fail(ErrorCode::kInvalidInput,
           split.path + ": column '" + leaf.name + "' is Parquet " + leaf.binary_type +
               ": binary data, which outcore does not read (as text it would not be UTF-8); "
               "leave the column out of the model's inputs or the command's --columns");
  }
  return std::make_unique<ParquetSplitReader>(split, std::move(layout), std::move(outputs),
                                              options_, scan.on_bad_rows, scan.batch_rows);
}

}  // namespace
}  // namespace outcore::parquet

namespace outcore {

std::unique_ptr<Source> MakeParquetSource(const ReadOptions& options) {
  return std::make_unique<parquet::ParquetSource>(options);
}

}  // namespace outcore
