#include "io/parquet/parquet_writer.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "io/parquet/parquet_format.h"
#include "io/part_file.h"
#include "outcore/error.h"

namespace outcore::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";

// Buffers one row group: each column's compressed pages stay in memory until the group is
// full, then the chunks are written one after the other.
class ParquetWriter final : public PartWriter {
 public:
  ParquetWriter(const std::string& path, const Schema& schema, const WriterOptions& options,
                const ParquetTuning& tuning)
      : schema_(schema),
        row_group_rows_(options.row_group_rows),
        file_(path),
        compressor_(options.compression, tuning.zstd_level) {
    for (const Field& field : schema.fields()) {
      columns_.push_back(std::make_unique<ColumnWriter>(field.name, field.type, options.dictionary,
                                                        row_group_rows_, tuning, &compressor_,
                                                        &page_scratch_));
      meta_.columns.push_back(columns_.back()->leaf());
    }
    meta_.created_by = "outcore version " OUTCORE_VERSION;
    file_.Append(kMagic);
  }

  void Write(const Batch& batch) override {
    CheckUsable();
    CheckBatchForWrite(file_.path(), schema_, batch);
    broken_ = true;  // until this batch is fully written
    for (int64_t begin = 0; begin < batch.num_rows;) {
      const int64_t end = std::min(batch.num_rows, begin + row_group_rows_ - group_rows_);
      for (size_t i = 0; i < columns_.size(); ++i) {
        columns_[i]->Append(*batch.columns[i], begin, end);
      }
      group_rows_ += end - begin;
      begin = end;
      if (group_rows_ == row_group_rows_) FlushRowGroup();
    }
    rows_ += batch.num_rows;
    broken_ = false;
  }

  int64_t Finish() override {
    CheckUsable();
    broken_ = true;
    FlushRowGroup();
    meta_.num_rows = rows_;
    const std::string footer = SerializeFileMeta(meta_);
    const uint32_t footer_size = static_cast<uint32_t>(footer.size());
    char size_bytes[4];
    std::memcpy(size_bytes, &footer_size, 4);
    file_.Append(footer);
    file_.Append(std::string_view(size_bytes, 4));
    file_.Append(kMagic);
    file_.Close();
    finished_ = true;
    broken_ = false;
    return rows_;
  }

 private:
  void CheckUsable() const {
    if (finished_) Fail(ErrorCode::kInternal, file_.path() + ": write after Finish");
    if (broken_) Fail(ErrorCode::kInternal, file_.path() + ": write after a failed write");
  }

  void FlushRowGroup() {
    if (group_rows_ == 0) return;
    RowGroupMeta group;
    group.num_rows = group_rows_;
    group.file_offset = file_.offset();
    for (auto& column : columns_) {
      group.columns.push_back(column->FinishChunk(&file_));
      group.total_byte_size += group.columns.back().total_uncompressed_size;
      group.total_compressed_size += group.columns.back().total_compressed_size;
    }
    meta_.row_groups.push_back(std::move(group));
    group_rows_ = 0;
  }

  const Schema schema_;
  const int64_t row_group_rows_;
  OutputFile file_;
  PageCompressor compressor_;
  std::string page_scratch_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  FileMeta meta_;
  int64_t group_rows_ = 0;  // rows buffered in the current row group
  int64_t rows_ = 0;
  bool finished_ = false;
  bool broken_ = false;  // a write threw midway: the file cannot be completed consistently
};

}  // namespace

std::unique_ptr<PartWriter> OpenParquetWriter(const std::string& path, const Schema& schema,
                                              const WriterOptions& options,
                                              const ParquetTuning& tuning) {
  if (options.row_group_rows <= 0) {  // checked before the file is opened (and truncated)
    Fail(ErrorCode::kUsage,
         path + ": row group size must be positive, got " + std::to_string(options.row_group_rows));
  }
  return std::make_unique<ParquetWriter>(path, schema, options, tuning);
}

}  // namespace outcore::parquet
