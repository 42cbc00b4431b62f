#pragma once
/// ColumnWriter: encodes one column's values into the data pages of the current column chunk,
/// and writes the chunk (dictionary page first) when its row group ends.
#include <cstdint>
#include <string>
#include <vector>

#include "io/parquet/encoding.h"
#include "io/parquet/page_compressor.h"
#include "io/parquet/parquet_format.h"
#include "outcore/column.h"

namespace outcore {
class OutputFile;
}

namespace outcore::parquet {

/// Defaults follow common practice; tests shrink them to force many pages or a fallback.
struct ParquetTuning {
  int64_t page_size = 1 << 20;         // encoded bytes of values per data page
  int64_t max_page_rows = 1 << 17;     // bounds level and index buffers (1 MiB of doubles)
  int64_t dictionary_limit = 1 << 20;  // PLAIN size of a dictionary before falling back to PLAIN
  int zstd_level = 1;
};

class ColumnWriter {
 public:
  /// `row_group_rows` is a hint for sizing buffers. The compressor and the page scratch
  /// buffer are shared by the columns of a file, which encode one page at a time.
  ColumnWriter(std::string name, DataType type, bool dictionary, int64_t row_group_rows,
               const ParquetTuning& tuning, PageCompressor* compressor, std::string* page_scratch);

  /// The column's schema leaf.
  LeafSchema leaf() const;
  /// Buffers rows [begin, end) of `column`, closing pages as they fill.
  void Append(const Column& column, int64_t begin, int64_t end);
  /// Writes the chunk's pages to `file` and returns its metadata; the next Append starts a
  /// new chunk.
  ColumnChunkMeta FinishChunk(OutputFile* file);

 private:
  bool byte_array() const { return physical_ == PhysicalType::kByteArray; }
  void AppendLevels(const Column& column, int64_t begin, int64_t end);
  void AppendF64(const Column& column, int64_t begin, int64_t end);
  void AppendI64(const Column& column, int64_t begin, int64_t end);
  void AppendBool(const Column& column, int64_t begin, int64_t end);
  void AppendStrings(const Column& column, int64_t begin, int64_t end);
  /// Adds one byte-array value to the page, dictionary-encoded or PLAIN.
  void AddByteArray(std::string_view value);
  void AppendCategoryCodes(const Column& column, int64_t begin, int64_t end);
  int64_t RowsUntilPageFull() const;
  /// Estimated encoded size of the page's values. Booleans sit one byte each in plain_ until
  /// the page is packed, so their byte count is their bit count.
  int64_t PageBits() const {
    const int64_t plain = static_cast<int64_t>(plain_.size());
    return (physical_ == PhysicalType::kBoolean ? plain : 8 * plain) +
           static_cast<int64_t>(indices_.size()) * BitWidth(dict_.size());
  }
  bool PageFull() const {
    return static_cast<int64_t>(levels_.size()) >= tuning_.max_page_rows ||
           PageBits() >= 8 * tuning_.page_size;
  }
  void FlushPage();
  void ReserveChunk(size_t page_bytes, size_t page_rows);
  void FallBackToPlain();
  void WriteDictionaryPage(OutputFile* file);
  Statistics TakeStatistics();

  const std::string name_;
  const DataType type_;
  const PhysicalType physical_;
  const int64_t row_group_rows_;
  const ParquetTuning tuning_;
  PageCompressor* compressor_;
  std::string* page_;    // scratch for encoding a page
  bool use_dictionary_;  // byte arrays only; cleared for good after a fallback

  // The page being filled.
  std::vector<uint8_t> levels_;  // definition levels: 1 = present
  int64_t page_nulls_ = 0;
  std::string plain_;
  std::vector<uint32_t> indices_;

  // The chunk being filled: encoded data pages; the dictionary page is written first, at the end.
  std::string pages_;
  StringDictionary dict_;
  DictionaryPtr category_dict_;        // dictionary the cache below is for (kept alive)
  std::vector<int32_t> category_map_;  // category code -> dict_ index, -1 if not added yet
  int64_t num_values_ = 0;
  int64_t pages_uncompressed_ = 0;  // headers included
  int64_t pages_compressed_ = 0;
  bool wrote_plain_page_ = false;

  // Chunk statistics. Strings kept PLAIN are tracked here; dictionary entries at the end.
  int64_t null_count_ = 0;
  int64_t nan_count_ = 0;
  bool has_bounds_ = false;
  double min_f64_ = 0, max_f64_ = 0;
  int64_t min_i64_ = 0, max_i64_ = 0;
  std::string min_str_, max_str_;
};

}  // namespace outcore::parquet
