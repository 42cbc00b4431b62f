#pragma once
/// ColumnReader: reads one column chunk at a time, page by page, and appends its values,
/// converted to the requested outcore type, to the column of the batch being built.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/convert.h"
#include "io/parquet/reader_decoding.h"
#include "io/parquet/reader_metadata.h"
#include "outcore/column.h"

namespace outcore::parquet {

/// A value that cannot be read as the requested type.
struct BadCell {
  int64_t row;       // row of the batch being built
  std::string text;  // the value as text, cut to 200 bytes
  std::string why;   // said after "cannot parse 'TEXT' as TYPE", or empty
};

class ColumnReader {
 public:
  /// `na_values` are the text values read as missing when text is converted to another type.
  ColumnReader(const LeafColumn& leaf, DataType target, const std::vector<std::string>& na_values);

  /// Starts a column chunk from its bytes (all its pages). `context` starts error messages:
  /// "data.parquet: row group 3, column 'fare'".
  void StartChunk(std::string bytes, const ChunkInfo& chunk, std::string context);
  /// Starts a new output column with room for `rows` rows.
  void BeginBatch(int64_t rows);
  /// Appends the chunk's next n values to the output column.
  void Read(int64_t n);
  /// The column built since BeginBatch.
  std::shared_ptr<Column> TakeColumn();
  /// Values that could not be converted since BeginBatch (stored as missing).
  const std::vector<BadCell>& bad_values() const { return bad_; }

 private:
  // A stored value that has no natural value (an overflowing date, a string not UTF-8).
  struct BadNatural {
    int64_t index;
    std::string text;  // printable
    std::string why;   // as BadCell::why
  };
  // Values decoded to the leaf's natural representation (see ValueKind): ints for kInt,
  // kDate and kTimestamp (as microseconds), doubles for kDouble, kDecimal and kTime (as
  // seconds), bools, strings.
  struct Values {
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    std::vector<uint8_t> bools;
    std::vector<std::string_view> strings;
    std::vector<BadNatural> bad;  // values without a natural value, by index
    void Clear();
  };

  void LoadPage();  // the next data page (after any dictionary page); wraps errors in context_
  void LoadPageUnchecked();
  const uint8_t* Decompress(const uint8_t* in, int64_t in_size, int64_t out_size);
  void ReadDictionary(const PageHeader& header, const uint8_t* body);
  void ReadDataPage(const PageHeader& header, const uint8_t* body);
  void ReadDefinitionLevels(const uint8_t* data, size_t size, int64_t n, bool rle);
  void DecodeValues(Encoding encoding, const uint8_t* data, size_t size, int64_t count, Values* out,
                    bool dictionary_page);
  void FixedToNatural(const uint8_t* data, size_t size, int64_t count, Values* out);
  void IntsToNatural(Values* out);
  void BytesToNatural(Values* out);
  void GatherFromDictionary(const std::vector<uint32_t>& indices);
  void MarkBadEntries(const std::vector<uint32_t>& indices);

  void Emit(int64_t k);
  bool EmitNatural(int64_t k, const uint8_t* defined);
  void EmitGeneric(int64_t k, const uint8_t* defined);
  bool AllFinite(int64_t k, const uint8_t* defined) const;
  void EmitNonFinite(int64_t k, const uint8_t* defined);
  template <typename T, typename Get>
  void Fill(int64_t k, const uint8_t* defined, std::vector<T>* dst, T missing, Get get);
  void AppendValidity(const uint8_t* defined, int64_t k);
  std::string_view Text(int64_t value, std::string* scratch) const;
  std::string_view StringAt(int64_t value) const {
    return dictionary_coded_ ? dict_.strings[indices_[value]] : page_.strings[value];
  }
  bool PushText(std::string_view text);
  void PushMissing();

  const LeafColumn leaf_;
  const DataType target_;
  const NaMatcher na_;

  // The chunk.
  std::string chunk_;
  size_t chunk_pos_ = 0;
  int64_t values_left_ = 0;  // values of the chunk not yet in a page
  std::string context_;
  std::unique_ptr<Decompressor> decompressor_;
  std::unique_ptr<uint8_t[]> page_buffer_;
  int64_t page_capacity_ = 0;
  bool has_dictionary_ = false;
  std::string dict_buffer_;  // the decompressed dictionary page: dict_.strings point into it
  Values dict_;
  int64_t dict_size_ = 0;

  // The current data page.
  Values page_;
  std::vector<uint8_t> defined_;   // one per row; empty when every row has a value
  std::vector<uint32_t> indices_;  // dictionary indices of a string page kept coded
  bool dictionary_coded_ = false;
  std::string page_storage_;  // DELTA_BYTE_ARRAY values, BYTE_STREAM_SPLIT bytes
  int64_t page_rows_ = 0, row_pos_ = 0, value_pos_ = 0;
  size_t bad_pos_ = 0;

  // The output column.
  std::shared_ptr<Column> column_;
  CategoryEncoder categories_;
  std::vector<int32_t> code_of_entry_;   // category code of each dictionary entry, or -1
  std::vector<uint32_t> coded_entries_;  // entries with a code, to reset them cheaply
  std::vector<BadCell> bad_;
  std::vector<uint8_t> valid_scratch_;
};

}  // namespace outcore::parquet
