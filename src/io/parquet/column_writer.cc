#include "io/parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "io/part_file.h"
#include "outcore/error.h"

namespace outcore::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding is little-endian; the writer copies values as they lie in memory");

// Readers keep min/max in memory per chunk; a long string is better left out of the footer.
constexpr size_t kMaxStatisticsBytes = 4096;

PhysicalType PhysicalTypeOf(DataType type) {
  switch (type) {
    case DataType::kF64:
      return PhysicalType::kDouble;
    case DataType::kI64:
    case DataType::kTimestamp:
      return PhysicalType::kInt64;
    case DataType::kBool:
      return PhysicalType::kBoolean;
    case DataType::kString:
    case DataType::kCategory:
      return PhysicalType::kByteArray;
  }
  return PhysicalType::kByteArray;
}

template <typename T>
std::string PlainBytes(T value) {
  std::string bytes(sizeof(T), '\0');
  std::memcpy(bytes.data(), &value, sizeof(T));
  return bytes;
}

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void AppendU32(uint32_t value, std::string* out) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out->append(bytes, 4);
}

int32_t CheckedPageSize(size_t size, const std::string& column) {
  if (size > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    Fail(ErrorCode::kInvalidInput, "column '" + column + "': a Parquet page of " +
                                       std::to_string(size) + " bytes exceeds the 2 GiB limit");
  }
  return static_cast<int32_t>(size);
}

}  // namespace

ColumnWriter::ColumnWriter(std::string name, DataType type, bool dictionary, int64_t row_group_rows,
                           const ParquetTuning& tuning, PageCompressor* compressor,
                           std::string* page_scratch)
    : name_(std::move(name)),
      type_(type),
      physical_(PhysicalTypeOf(type)),
      row_group_rows_(row_group_rows),
      tuning_(tuning),
      compressor_(compressor),
      page_(page_scratch),
      use_dictionary_(dictionary && PhysicalTypeOf(type) == PhysicalType::kByteArray) {
  // Reserved once: growing by doubling would copy and fault in more memory, while reserve
  // that is never touched costs nothing.
  const int64_t page_rows = std::min(tuning.max_page_rows, row_group_rows);
  levels_.reserve(page_rows);
  plain_.reserve(tuning.page_size + tuning.page_size / 8);
  if (use_dictionary_) indices_.reserve(page_rows);
}

LeafSchema ColumnWriter::leaf() const {
  LeafSchema leaf{name_, physical_, LogicalType::kNone};
  if (type_ == DataType::kTimestamp) leaf.logical = LogicalType::kTimestampMicros;
  if (byte_array()) leaf.logical = LogicalType::kString;
  return leaf;
}

void ColumnWriter::Append(const Column& column, int64_t begin, int64_t end) {
  if (type_ == DataType::kCategory && use_dictionary_) {
    AppendCategoryCodes(column, begin, end);
    return;
  }
  if (byte_array()) {
    AppendStrings(column, begin, end);  // checks page size value by value
    return;
  }
  // Fixed-width values go in slices that end where the page fills up.
  while (begin < end) {
    const int64_t slice_end = std::min(end, begin + RowsUntilPageFull());
    AppendLevels(column, begin, slice_end);
    switch (type_) {
      case DataType::kF64:
        AppendF64(column, begin, slice_end);
        break;
      case DataType::kBool:
        AppendBool(column, begin, slice_end);
        break;
      default:
        AppendI64(column, begin, slice_end);
        break;
    }
    begin = slice_end;
    if (PageFull()) FlushPage();
  }
}

void ColumnWriter::AppendLevels(const Column& column, int64_t begin, int64_t end) {
  if (column.valid.empty()) {
    levels_.insert(levels_.end(), end - begin, 1);
    return;
  }
  const size_t base = levels_.size();
  levels_.resize(base + (end - begin));
  int64_t nulls = 0;
  for (int64_t i = begin; i < end; ++i) {
    const uint8_t present = column.valid[i] != 0;
    levels_[base + (i - begin)] = present;
    nulls += 1 - present;
  }
  null_count_ += nulls;
  page_nulls_ += nulls;
}

void ColumnWriter::AppendF64(const Column& column, int64_t begin, int64_t end) {
  const double* values = column.f64.data();
  // Bounds ignore NaN, which has no place in an order; nan_count tells readers about it.
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  int64_t nans = 0;
  if (column.valid.empty()) {
    plain_.append(reinterpret_cast<const char*>(values + begin), (end - begin) * sizeof(double));
    for (int64_t i = begin; i < end; ++i) {
      const double v = values[i];
      nans += std::isnan(v);
      lo = v < lo ? v : lo;  // false for NaN: keeps lo
      hi = v > hi ? v : hi;
    }
  } else {
    for (int64_t i = begin; i < end; ++i) {
      if (column.valid[i] == 0) continue;
      const double v = values[i];
      plain_.append(reinterpret_cast<const char*>(&v), sizeof v);
      nans += std::isnan(v);
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  }
  nan_count_ += nans;
  if (lo > hi) return;  // nothing but NaN and nulls
  min_f64_ = has_bounds_ ? std::min(min_f64_, lo) : lo;
  max_f64_ = has_bounds_ ? std::max(max_f64_, hi) : hi;
  has_bounds_ = true;
}

void ColumnWriter::AppendI64(const Column& column, int64_t begin, int64_t end) {
  const int64_t* values = column.i64.data();
  int64_t lo = std::numeric_limits<int64_t>::max();
  int64_t hi = std::numeric_limits<int64_t>::min();
  bool any = false;
  if (column.valid.empty()) {
    plain_.append(reinterpret_cast<const char*>(values + begin), (end - begin) * sizeof(int64_t));
    for (int64_t i = begin; i < end; ++i) {
      lo = std::min(lo, values[i]);
      hi = std::max(hi, values[i]);
    }
    any = end > begin;
  } else {
    for (int64_t i = begin; i < end; ++i) {
      if (column.valid[i] == 0) continue;
      plain_.append(reinterpret_cast<const char*>(values + i), sizeof(int64_t));
      lo = std::min(lo, values[i]);
      hi = std::max(hi, values[i]);
      any = true;
    }
  }
  if (!any) return;
  min_i64_ = has_bounds_ ? std::min(min_i64_, lo) : lo;
  max_i64_ = has_bounds_ ? std::max(max_i64_, hi) : hi;
  has_bounds_ = true;
}

void ColumnWriter::AppendBool(const Column& column, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    if (column.IsNull(i)) continue;
    const int64_t v = column.u8[i] != 0;
    plain_.push_back(static_cast<char>(v));
    min_i64_ = has_bounds_ ? std::min(min_i64_, v) : v;
    max_i64_ = has_bounds_ ? std::max(max_i64_, v) : v;
    has_bounds_ = true;
  }
}

void ColumnWriter::AppendStrings(const Column& column, int64_t begin, int64_t end) {
  // Bounds of the values stored PLAIN in this call; the views stay valid until it returns.
  std::string_view lo, hi;
  bool any = false;
  for (int64_t i = begin; i < end; ++i) {
    const bool present = !column.IsNull(i);
    levels_.push_back(present);
    if (!present) {
      ++null_count_;
      ++page_nulls_;
    } else {
      const std::string_view value =
          type_ == DataType::kCategory ? column.Category(i) : column.Str(i);
      const bool dictionary_encoded = use_dictionary_;
      AddByteArray(value);
      if (!dictionary_encoded) {
        if (!any || value < lo) lo = value;
        if (!any || value > hi) hi = value;
        any = true;
      }
    }
    if (PageFull()) FlushPage();
  }
  if (!any) return;
  if (!has_bounds_ || lo < min_str_) min_str_ = lo;
  if (!has_bounds_ || hi > max_str_) max_str_ = hi;
  has_bounds_ = true;
}

void ColumnWriter::AddByteArray(std::string_view value) {
  if (use_dictionary_) {
    indices_.push_back(static_cast<uint32_t>(dict_.Insert(value)));
    if (dict_.plain_size() > tuning_.dictionary_limit) FallBackToPlain();
    return;
  }
  AppendU32(static_cast<uint32_t>(value.size()), &plain_);
  plain_.append(value);
}

// Categories map each code to a dictionary index once per chunk, so most rows cost a lookup in
// a small array. The dictionary limit is checked per slice: the category dictionary bounds how
// far it can be passed.
void ColumnWriter::AppendCategoryCodes(const Column& column, int64_t begin, int64_t end) {
  if (column.dict != category_dict_) {
    category_dict_ = column.dict;
    category_map_.assign(column.dict->size(), -1);
  }
  while (begin < end) {
    if (!use_dictionary_) {
      AppendStrings(column, begin, end);
      return;
    }
    const int64_t slice_end = std::min(end, begin + RowsUntilPageFull());
    AppendLevels(column, begin, slice_end);
    for (int64_t i = begin; i < slice_end; ++i) {
      if (column.IsNull(i)) continue;
      const int32_t code = column.codes[i];
      if (code < 0 || static_cast<size_t>(code) >= category_map_.size()) {
        Fail(ErrorCode::kInternal, "column '" + name_ + "': category code " + std::to_string(code) +
                                       " is outside its dictionary");
      }
      int32_t& index = category_map_[code];
      if (index < 0) index = dict_.Insert((*column.dict)[code]);
      indices_.push_back(static_cast<uint32_t>(index));
    }
    begin = slice_end;
    if (dict_.plain_size() > tuning_.dictionary_limit) {
      FallBackToPlain();
    } else if (PageFull()) {
      FlushPage();
    }
  }
}

// The pages written so far keep their dictionary; the rest of the column is PLAIN, since a
// dictionary this large is likely to recur in the next row groups.
void ColumnWriter::FallBackToPlain() {
  FlushPage();
  use_dictionary_ = false;
  category_dict_.reset();
  category_map_.clear();
}

int64_t ColumnWriter::RowsUntilPageFull() const {
  const int64_t rows_left = tuning_.max_page_rows - static_cast<int64_t>(levels_.size());
  const int64_t bits_left = 8 * tuning_.page_size - PageBits();
  const int64_t bits_per_row = physical_ == PhysicalType::kBoolean ? 1
                               : byte_array() ? std::max(1, BitWidth(dict_.size()))
                                              : 64;
  return std::max<int64_t>(1, std::min(rows_left, (bits_left + bits_per_row - 1) / bits_per_row));
}

void ColumnWriter::FlushPage() {
  if (levels_.empty()) return;
  page_->clear();
  // Definition levels (max level 1: bit width 1), prefixed by their byte length in page v1.
  // Without nulls they are one run, which needs no scan.
  AppendU32(0, page_);
  if (page_nulls_ == 0) {
    AppendVarint(static_cast<uint64_t>(levels_.size()) << 1, page_);
    page_->push_back(1);
  } else {
    AppendRleHybrid(levels_.data(), static_cast<int64_t>(levels_.size()), 1, page_);
  }
  const uint32_t levels_size = static_cast<uint32_t>(page_->size() - 4);
  std::memcpy(page_->data(), &levels_size, 4);

  Encoding encoding = Encoding::kPlain;
  if (!indices_.empty()) {
    // Width 0 is legal for a one-entry dictionary, but not every reader accepts it.
    const int bit_width = std::max(1, BitWidth(static_cast<uint32_t>(dict_.size() - 1)));
    page_->push_back(static_cast<char>(bit_width));
    AppendRleHybrid(indices_.data(), static_cast<int64_t>(indices_.size()), bit_width, page_);
    encoding = Encoding::kRleDictionary;
  } else if (physical_ == PhysicalType::kBoolean) {
    AppendPackedBools(reinterpret_cast<const uint8_t*>(plain_.data()),
                      static_cast<int64_t>(plain_.size()), page_);
  } else {
    page_->append(plain_);
  }
  if (encoding == Encoding::kPlain) wrote_plain_page_ = true;

  const std::string_view body = compressor_->Compress(*page_);
  if (pages_.empty()) ReserveChunk(page_->size() + 64, levels_.size());
  const size_t header_start = pages_.size();
  AppendDataPageHeader(CheckedPageSize(page_->size(), name_), CheckedPageSize(body.size(), name_),
                       static_cast<int32_t>(levels_.size()), encoding, &pages_);
  const int64_t header_size = static_cast<int64_t>(pages_.size() - header_start);
  pages_.append(body);
  pages_uncompressed_ += header_size + static_cast<int64_t>(page_->size());
  pages_compressed_ += header_size + static_cast<int64_t>(body.size());
  num_values_ += static_cast<int64_t>(levels_.size());

  levels_.clear();
  plain_.clear();
  indices_.clear();
  page_nulls_ = 0;
}

// Growing the chunk buffer by doubling would copy it and fault in twice its final size; the
// first page tells how big a full row group will be. Untouched reserve costs no memory.
void ColumnWriter::ReserveChunk(size_t page_bytes, size_t page_rows) {
  constexpr double kMaxReserve = 64.0 * (1 << 20);
  const double estimate = 1.1 * static_cast<double>(page_bytes) *
                          static_cast<double>(row_group_rows_) / static_cast<double>(page_rows);
  pages_.reserve(static_cast<size_t>(std::min(estimate, kMaxReserve)));
}

Statistics ColumnWriter::TakeStatistics() {
  Statistics s;
  s.null_count = null_count_;
  s.signed_order = !byte_array();
  if (byte_array() && dict_.size() > 0) {
    std::string_view lo = dict_.at(0), hi = dict_.at(0);
    for (int32_t i = 1; i < dict_.size(); ++i) {
      lo = std::min(lo, dict_.at(i));
      hi = std::max(hi, dict_.at(i));
    }
    if (!has_bounds_ || lo < min_str_) min_str_ = lo;
    if (!has_bounds_ || hi > max_str_) max_str_ = hi;
    has_bounds_ = true;
  }
  if (physical_ == PhysicalType::kDouble) s.nan_count = nan_count_;
  if (has_bounds_) {
    s.has_min_max = true;
    switch (physical_) {
      case PhysicalType::kDouble:
        // The spec's rule for zeros: readers may then assume min -0.0 and max +0.0 cover both.
        s.min_value = PlainBytes(min_f64_ == 0 ? -0.0 : min_f64_);
        s.max_value = PlainBytes(max_f64_ == 0 ? 0.0 : max_f64_);
        break;
      case PhysicalType::kInt64:
        s.min_value = PlainBytes(min_i64_);
        s.max_value = PlainBytes(max_i64_);
        break;
      case PhysicalType::kBoolean:
        s.min_value = std::string(1, static_cast<char>(min_i64_));
        s.max_value = std::string(1, static_cast<char>(max_i64_));
        break;
      default:
        s.has_min_max =
            min_str_.size() <= kMaxStatisticsBytes && max_str_.size() <= kMaxStatisticsBytes;
        if (s.has_min_max) {
          s.min_value = min_str_;
          s.max_value = max_str_;
        }
        break;
    }
  }
  null_count_ = 0;
  nan_count_ = 0;
  has_bounds_ = false;
  min_str_.clear();
  max_str_.clear();
  return s;
}

void ColumnWriter::WriteDictionaryPage(OutputFile* file) {
  page_->clear();
  dict_.AppendPlain(page_);
  const std::string_view body = compressor_->Compress(*page_);
  std::string header;
  AppendDictionaryPageHeader(CheckedPageSize(page_->size(), name_),
                             CheckedPageSize(body.size(), name_), dict_.size(), &header);
  file->Append(header);
  file->Append(body);
  pages_uncompressed_ += static_cast<int64_t>(header.size() + page_->size());
  pages_compressed_ += static_cast<int64_t>(header.size() + body.size());
}

ColumnChunkMeta ColumnWriter::FinishChunk(OutputFile* file) {
  FlushPage();
  ColumnChunkMeta meta;
  meta.type = physical_;
  meta.path = name_;
  meta.codec = compressor_->codec();
  meta.num_values = num_values_;
  meta.statistics = TakeStatistics();

  const bool has_dictionary = dict_.size() > 0;
  if (has_dictionary) {
    meta.dictionary_page_offset = file->offset();
    WriteDictionaryPage(file);
  }
  meta.data_page_offset = file->offset();
  file->Append(pages_);
  meta.total_uncompressed_size = pages_uncompressed_;
  meta.total_compressed_size = pages_compressed_;

  // Sorted by enum value, as other writers do.
  if (wrote_plain_page_ || has_dictionary) meta.encodings.push_back(Encoding::kPlain);
  meta.encodings.push_back(Encoding::kRle);  // definition levels
  if (has_dictionary) meta.encodings.push_back(Encoding::kRleDictionary);

  pages_.clear();
  dict_.Clear();
  category_dict_.reset();
  category_map_.clear();
  num_values_ = 0;
  pages_uncompressed_ = 0;
  pages_compressed_ = 0;
  wrote_plain_page_ = false;
  return meta;
}

}  // namespace outcore::parquet
