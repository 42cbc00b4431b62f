// The column reader. A data page is decoded whole into its values' natural representation
// (int64, double, bool or string views; dictionary-coded strings stay indices), then rows are
// copied out to the batch's column as the batch asks for them, converting on the way: the
// natural type goes through a fast copy, anything else through text, parsed as the CSV reader
// parses a field, so both readers accept and refuse the same values.
#include "io/parquet/reader_column.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "io/bad_rows.h"
#include "outcore/error.h"

namespace outcore::parquet {
namespace {

constexpr size_t kMaxQuotedValue = 200;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
constexpr int64_t kJulianDayOfEpoch = 2440588;
// Writers cut pages at ~1 MB or ~20k-100k rows; a page may not claim more rows than this, as a
// few bytes of RLE can claim billions, and decoding allocates ~13 bytes per row.
constexpr int64_t kMaxPageValues = int64_t{1} << 24;

// Which of Values' vectors holds a kind's values.
enum class Natural { kInt, kDouble, kBool, kString };

Natural NaturalOf(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInt:
    case ValueKind::kDate:
    case ValueKind::kTimestamp:
      return Natural::kInt;
    case ValueKind::kDouble:
    case ValueKind::kDecimal:
    case ValueKind::kTime:
      return Natural::kDouble;
    case ValueKind::kBool:
      return Natural::kBool;
    case ValueKind::kString:
    case ValueKind::kBinary:
      return Natural::kString;
  }
  return Natural::kInt;
}

int PhysicalWidth(PhysicalType type, int32_t type_length) {
  switch (type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kInt96:
      return 12;
    case PhysicalType::kFixedLenByteArray:
      return type_length;
    default:
      return 0;  // boolean, byte array: not fixed-width bytes
  }
}

const char* PhysicalName(PhysicalType type) {
  static const char* const kNames[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                       "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return kNames[static_cast<int>(type)];
}

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // little-endian hosts, as the writer
  return v;
}

// unscaled * 10^-scale, correctly rounded: one IEEE division of exact operands when both fit
// in 53 bits (Clinger's fast path), else a decimal string parsed by fast_float.
double DecimalToDouble(__int128 unscaled, int scale) {
  static constexpr double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const __int128 limit = __int128{1} << 53;
  if (unscaled > -limit && unscaled < limit && scale <= 22)
    return static_cast<double>(static_cast<int64_t>(unscaled)) / kPowers[scale];
  unsigned __int128 magnitude = unscaled < 0 ? -static_cast<unsigned __int128>(unscaled)
                                             : static_cast<unsigned __int128>(unscaled);
  char digits[64];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  std::string text = unscaled < 0 ? "-" : "";
  for (int i = n - 1; i >= 0; --i) text += digits[i];
  text += "e-" + std::to_string(scale);
  double value = 0;
  ParseDouble(text, &value);
  return value;
}

// A big-endian two's complement integer of any length, if it fits in 128 bits.
bool BigEndianToInt128(std::string_view bytes, __int128* out) {
  const bool negative = !bytes.empty() && (static_cast<uint8_t>(bytes[0]) & 0x80);
  const char sign = negative ? static_cast<char>(0xff) : 0;
  while (bytes.size() > 16 && bytes[0] == sign) bytes.remove_prefix(1);
  if (bytes.size() > 16) return false;
  unsigned __int128 value = negative ? ~static_cast<unsigned __int128>(0) : 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  *out = static_cast<__int128>(value);
  return true;
}

double HalfToDouble(uint16_t h) {
  const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double value;
  if (exponent == 0) {
    value = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    value = mantissa == 0 ? std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::quiet_NaN();
  } else {
    value = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return sign ? -value : value;
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (char c : bytes.substr(0, 32)) {
    out += kDigits[static_cast<uint8_t>(c) >> 4];
    out += kDigits[static_cast<uint8_t>(c) & 15];
  }
  return out;
}

}  // namespace

void ColumnReader::Values::Clear() {
  ints.clear();
  doubles.clear();
  bools.clear();
  strings.clear();
  bad.clear();
}

ColumnReader::ColumnReader(const LeafColumn& leaf, DataType target,
                           const std::vector<std::string>& na_values)
    : leaf_(leaf), target_(target), na_(na_values) {
  // The source refuses binary columns before reading (naming the file): never read as text.
  if (leaf_.kind == ValueKind::kBinary)
    Fail(ErrorCode::kInternal, "column '" + leaf_.name + "' of binary data reached the reader");
}

void ColumnReader::StartChunk(std::string bytes, const ChunkInfo& chunk, std::string context) {
  chunk_ = std::move(bytes);
  chunk_pos_ = 0;
  values_left_ = chunk.num_values;
  context_ = std::move(context);
  if (decompressor_ == nullptr || decompressor_->codec() != chunk.codec) {
    try {
      decompressor_ = std::make_unique<Decompressor>(chunk.codec);
    } catch (const Error& e) {
      Fail(e.code(), context_ + ": " + e.what());
    }
  }
  has_dictionary_ = false;
  dict_.Clear();
  dict_size_ = 0;
  page_.Clear();
  defined_.clear();
  dictionary_coded_ = false;
  page_rows_ = row_pos_ = value_pos_ = 0;
  bad_pos_ = 0;
  for (uint32_t entry : coded_entries_) code_of_entry_[entry] = -1;
  coded_entries_.clear();
}

void ColumnReader::BeginBatch(int64_t rows) {
  column_ = std::make_shared<Column>(target_);
  column_->Reserve(rows);
  if (target_ == DataType::kString) column_->offsets.push_back(0);
  bad_.clear();
  // Category codes are per batch (as the CSV reader makes them): forget the previous ones.
  for (uint32_t entry : coded_entries_) code_of_entry_[entry] = -1;
  coded_entries_.clear();
}

std::shared_ptr<Column> ColumnReader::TakeColumn() {
  if (target_ == DataType::kCategory) column_->dict = categories_.TakeDictionary();
  return std::move(column_);
}

void ColumnReader::Read(int64_t n) {
  while (n > 0) {
    if (row_pos_ == page_rows_) LoadPage();
    const int64_t k = std::min(n, page_rows_ - row_pos_);
    Emit(k);
    row_pos_ += k;
    n -= k;
  }
}

// --- Pages -------------------------------------------------------------------------------------

void ColumnReader::LoadPage() {
  try {
    LoadPageUnchecked();
  } catch (const Error& e) {
    const std::string_view what = e.what();
    if (e.code() != ErrorCode::kInvalidInput || what.starts_with(context_)) throw;
    Fail(ErrorCode::kInvalidInput, context_ + ": " + std::string(what));
  }
}

void ColumnReader::LoadPageUnchecked() {
  while (true) {
    if (chunk_pos_ >= chunk_.size() || values_left_ == 0)
      Corrupt("the column chunk ends with " + std::to_string(values_left_) + " values missing");
    size_t header_size = 0;
    const PageHeader header =
        ParsePageHeader(std::string_view(chunk_).substr(chunk_pos_), context_, &header_size);
    const size_t body = chunk_pos_ + header_size;
    if (static_cast<uint64_t>(header.compressed_size) > chunk_.size() - body)
      Corrupt("a page of " + std::to_string(header.compressed_size) +
              " bytes runs past the end of its column chunk (" +
              std::to_string(chunk_.size() - body) + " bytes left)");
    chunk_pos_ = body + header.compressed_size;
    const uint8_t* data = reinterpret_cast<const uint8_t*>(chunk_.data()) + body;
    if (header.type == PageType::kDictionaryPage) {
      ReadDictionary(header, data);
    } else if (header.type == PageType::kDataPage || header.type == kDataPageV2) {
      if (header.num_values > kMaxPageValues)
        Corrupt("a page claims " + std::to_string(header.num_values) +
                " values, more than the reader accepts (" + std::to_string(kMaxPageValues) + ")");
      if (header.num_values > values_left_)
        Corrupt("a page holds " + std::to_string(header.num_values) + " values, more than the " +
                std::to_string(values_left_) + " left in its column chunk");
      ReadDataPage(header, data);
      if (page_rows_ > 0) return;
    }
    // Index pages and unknown page types are skipped.
  }
}

// Checks a page's claimed size before allocating it, then decompresses.
const uint8_t* ColumnReader::Decompress(const uint8_t* in, int64_t in_size, int64_t out_size) {
  // An empty page (a v2 page of nulls only, say) holds no compressed stream: writers store 0
  // bytes, which no codec would decode.
  if (in_size == 0 && out_size == 0) return in;
  if (out_size > decompressor_->MaxUncompressedSize(in_size))
    Corrupt("a page claims " + std::to_string(out_size) + " bytes uncompressed from " +
            std::to_string(in_size) + " " + CodecName(decompressor_->codec()) + " bytes");
  if (decompressor_->codec() == 0) {
    if (in_size != out_size)
      Corrupt("an uncompressed page of " + std::to_string(in_size) + " bytes claims " +
              std::to_string(out_size));
    return in;
  }
  if (out_size > page_capacity_) {
    page_capacity_ = std::max<int64_t>(out_size, page_capacity_ * 3 / 2);
    page_buffer_ = std::make_unique_for_overwrite<uint8_t[]>(page_capacity_);
  }
  decompressor_->Decompress(in, in_size, page_buffer_.get(), out_size);
  return page_buffer_.get();
}

void ColumnReader::ReadDictionary(const PageHeader& header, const uint8_t* body) {
  if (has_dictionary_ || page_rows_ > 0)
    Corrupt("a dictionary page follows other pages in its column chunk");
  if (header.encoding != Encoding::kPlain && header.encoding != Encoding::kPlainDictionary)
    Corrupt("dictionary page encoding " + EncodingName(header.encoding) + " is not supported");
  const uint8_t* data = Decompress(body, header.compressed_size, header.uncompressed_size);
  // The dictionary outlives the page buffer: its strings point into a copy.
  dict_buffer_.assign(reinterpret_cast<const char*>(data), header.uncompressed_size);
  DecodeValues(Encoding::kPlain, reinterpret_cast<const uint8_t*>(dict_buffer_.data()),
               dict_buffer_.size(), header.num_values, &dict_, /*dictionary_page=*/true);
  has_dictionary_ = true;
  dict_size_ = header.num_values;
  if (target_ == DataType::kCategory) code_of_entry_.assign(dict_size_, -1);
}

void ColumnReader::ReadDataPage(const PageHeader& header, const uint8_t* body) {
  const int64_t n = header.num_values;
  const uint8_t* values;
  size_t values_size;
  if (header.type == PageType::kDataPage) {
    const uint8_t* data = Decompress(body, header.compressed_size, header.uncompressed_size);
    size_t size = header.uncompressed_size;
    if (leaf_.optional) {
      if (header.definition_level_encoding == Encoding::kRle) {
        if (size < 4) Corrupt("a data page ends before its definition levels");
        const uint32_t length = Load<uint32_t>(data);
        if (length > size - 4)
          Corrupt("definition levels of " + std::to_string(length) + " bytes run past their page");
        ReadDefinitionLevels(data + 4, length, n, true);
        data += 4 + length;
        size -= 4 + length;
      } else if (header.definition_level_encoding == Encoding::kBitPacked) {
        const size_t length = static_cast<size_t>((n + 7) / 8);
        if (length > size) Corrupt("definition levels run past their page");
        ReadDefinitionLevels(data, length, n, false);
        data += length;
        size -= length;
      } else {
        Corrupt("definition level encoding " + EncodingName(header.definition_level_encoding) +
                " is not supported");
      }
    } else {
      defined_.clear();
    }
    values = data;
    values_size = size;
  } else {
    // v2: levels first, never compressed; then the values, compressed if is_compressed.
    const int64_t levels =
        int64_t{header.repetition_levels_length} + header.definition_levels_length;
    const uint8_t* def = body + header.repetition_levels_length;
    if (!leaf_.optional || (header.definition_levels_length == 0 && header.num_nulls == 0)) {
      defined_.clear();
    } else {
      ReadDefinitionLevels(def, header.definition_levels_length, n, true);
    }
    const int64_t in_size = header.compressed_size - levels;
    const int64_t out_size = header.uncompressed_size - levels;
    if (header.is_compressed) {
      values = Decompress(body + levels, in_size, out_size);
    } else {
      if (in_size != out_size)
        Corrupt("an uncompressed v2 page of " + std::to_string(in_size) + " bytes claims " +
                std::to_string(out_size));
      values = body + levels;
    }
    values_size = static_cast<size_t>(out_size);
  }
  int64_t count = n;
  if (!defined_.empty()) {
    count = 0;
    for (uint8_t d : defined_) count += d;
    if (count == n) defined_.clear();
  }
  page_.Clear();
  dictionary_coded_ = false;
  DecodeValues(header.encoding, values, values_size, count, &page_, false);
  values_left_ -= n;
  page_rows_ = n;
  row_pos_ = value_pos_ = 0;
  bad_pos_ = 0;
}

void ColumnReader::ReadDefinitionLevels(const uint8_t* data, size_t size, int64_t n, bool rle) {
  defined_.resize(n);
  if (rle) {
    RleDecoder(data, size, 1).Decode(defined_.data(), n);
  } else {
    // The deprecated BIT_PACKED: most significant bit first.
    for (int64_t i = 0; i < n; ++i) defined_[i] = (data[i >> 3] >> (7 - (i & 7))) & 1;
  }
}

// --- Values ------------------------------------------------------------------------------------

void ColumnReader::DecodeValues(Encoding encoding, const uint8_t* data, size_t size, int64_t count,
                                Values* out, bool dictionary_page) {
  const PhysicalType physical = leaf_.physical;
  const int width = PhysicalWidth(physical, leaf_.type_length);
  const bool byte_array = physical == PhysicalType::kByteArray;
  const bool fixed_bytes = physical == PhysicalType::kFixedLenByteArray;
  const bool integer = physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64;
  auto unsupported = [&]() {
    Corrupt("encoding " + EncodingName(encoding) + " is not supported for " +
            PhysicalName(physical) + " values");
  };
  switch (encoding) {
    case Encoding::kPlain:
      if (physical == PhysicalType::kBoolean) {
        if (static_cast<uint64_t>(count) > static_cast<uint64_t>(size) * 8)
          Corrupt("PLAIN booleans end before all " + std::to_string(count) + " values");
        out->bools.resize(count);
        for (int64_t i = 0; i < count; ++i) out->bools[i] = (data[i >> 3] >> (i & 7)) & 1;
      } else if (byte_array) {
        DecodePlainByteArrays(data, size, count, &out->strings);
        BytesToNatural(out);
      } else if (fixed_bytes) {
        DecodeFixedByteArrays(data, size, count, leaf_.type_length, &out->strings);
        BytesToNatural(out);
      } else {
        FixedToNatural(data, size, count, out);
      }
      return;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (dictionary_page) unsupported();
      if (!has_dictionary_) Corrupt("a dictionary-encoded page has no dictionary page before it");
      if (size < 1 && count > 0) Corrupt("a dictionary-encoded page has no bit width");
      const int bit_width = size > 0 ? data[0] : 0;
      if (bit_width > 32)
        Corrupt("invalid bit width " + std::to_string(bit_width) + " for dictionary indices");
      indices_.resize(count);
      if (count > 0) RleDecoder(data + 1, size - 1, bit_width).Decode(indices_.data(), count);
      uint32_t max_index = 0;
      for (uint32_t index : indices_) max_index = std::max(max_index, index);
      if (count > 0 && max_index >= dict_size_)
        Corrupt("dictionary index " + std::to_string(max_index) + " is out of range (the " +
                "dictionary has " + std::to_string(dict_size_) + " values)");
      if (NaturalOf(leaf_.kind) == Natural::kString) {
        dictionary_coded_ = true;
        MarkBadEntries(indices_);
      } else {
        GatherFromDictionary(indices_);
      }
      return;
    }
    case Encoding::kRle: {
      if (physical != PhysicalType::kBoolean) unsupported();
      if (size < 4) Corrupt("RLE booleans have no length");
      const uint32_t length = Load<uint32_t>(data);
      if (length > size - 4) Corrupt("RLE booleans run past their page");
      out->bools.resize(count);
      RleDecoder(data + 4, length, 1).Decode(out->bools.data(), count);
      return;
    }
    default:
      break;
  }
  if (encoding == kDeltaBinaryPacked && integer) {
    DeltaDecoder decoder(data, size, physical == PhysicalType::kInt32 ? 32 : 64);
    if (decoder.total() != count)
      Corrupt("DELTA_BINARY_PACKED holds " + std::to_string(decoder.total()) + " values for " +
              std::to_string(count));
    decoder.DecodeAll(&out->ints);
    IntsToNatural(out);
  } else if (encoding == kDeltaLengthByteArray && byte_array) {
    DecodeDeltaLengthByteArrays(data, size, count, &out->strings);
    BytesToNatural(out);
  } else if (encoding == kDeltaByteArray && (byte_array || fixed_bytes)) {
    DecodeDeltaByteArrays(data, size, count, &page_storage_, &out->strings);
    for (std::string_view s : out->strings)
      if (fixed_bytes && static_cast<int32_t>(s.size()) != leaf_.type_length)
        Corrupt("a DELTA_BYTE_ARRAY value has the wrong length for its fixed-length column");
    BytesToNatural(out);
  } else if (encoding == kByteStreamSplit && width > 0 && physical != PhysicalType::kInt96) {
    DecodeByteStreamSplit(data, size, count, width, &page_storage_);
    const uint8_t* plain = reinterpret_cast<const uint8_t*>(page_storage_.data());
    if (fixed_bytes) {
      DecodeFixedByteArrays(plain, page_storage_.size(), count, width, &out->strings);
      BytesToNatural(out);
    } else {
      FixedToNatural(plain, page_storage_.size(), count, out);
    }
  } else {
    unsupported();
  }
}

// PLAIN INT32, INT64, INT96, FLOAT, DOUBLE.
void ColumnReader::FixedToNatural(const uint8_t* data, size_t size, int64_t count, Values* out) {
  const int width = PhysicalWidth(leaf_.physical, 0);
  if (static_cast<uint64_t>(count) > size / width)
    Corrupt(std::to_string(count) + " PLAIN values of " + std::to_string(width) +
            " bytes do not fit in " + std::to_string(size) + " bytes");
  switch (leaf_.physical) {
    case PhysicalType::kInt32:
      out->ints.resize(count);
      if (leaf_.unsigned_int) {
        for (int64_t i = 0; i < count; ++i) out->ints[i] = Load<uint32_t>(data + 4 * i);
      } else {
        for (int64_t i = 0; i < count; ++i) out->ints[i] = Load<int32_t>(data + 4 * i);
      }
      IntsToNatural(out);
      return;
    case PhysicalType::kInt64:
      out->ints.resize(count);
      if (count > 0) std::memcpy(out->ints.data(), data, count * 8);
      IntsToNatural(out);
      return;
    case PhysicalType::kInt96:
      // Nanoseconds of the day (8 bytes), then the Julian day (4 bytes).
      out->ints.resize(count);
      for (int64_t i = 0; i < count; ++i) {
        const int64_t nanos = Load<int64_t>(data + 12 * i);
        const int64_t day = Load<int32_t>(data + 12 * i + 8) - kJulianDayOfEpoch;
        int64_t micros;
        if (__builtin_mul_overflow(day, kMicrosPerDay, &micros) ||
            __builtin_add_overflow(micros, nanos / 1000, &micros)) {
          out->bad.push_back({i, "INT96 " + std::to_string(day) + " days", ""});
          micros = 0;
        }
        out->ints[i] = micros;
      }
      return;
    case PhysicalType::kFloat:
      out->doubles.resize(count);
      for (int64_t i = 0; i < count; ++i) out->doubles[i] = Load<float>(data + 4 * i);
      return;
    case PhysicalType::kDouble:
      out->doubles.resize(count);
      if (count > 0) std::memcpy(out->doubles.data(), data, count * 8);
      return;
    default:
      Fail(ErrorCode::kInternal, "FixedToNatural on a variable-width type");
  }
}

// Turns INT32/INT64 values (in out->ints) into the leaf's natural values, in place.
void ColumnReader::IntsToNatural(Values* out) {
  std::vector<int64_t>& v = out->ints;
  const int64_t n = static_cast<int64_t>(v.size());
  auto bad = [&](int64_t i, std::string text) {
    out->bad.push_back({i, std::move(text), ""});
    v[i] = 0;
  };
  switch (leaf_.kind) {
    case ValueKind::kInt:
      if (leaf_.physical == PhysicalType::kInt32 && leaf_.unsigned_int) {
        for (int64_t i = 0; i < n; ++i) v[i] = static_cast<uint32_t>(v[i]);  // delta-decoded
      } else if (leaf_.physical == PhysicalType::kInt64 && leaf_.unsigned_int) {
        for (int64_t i = 0; i < n; ++i)
          if (v[i] < 0) bad(i, std::to_string(static_cast<uint64_t>(v[i])));
      }
      return;
    case ValueKind::kDate:
      for (int64_t i = 0; i < n; ++i) {
        int64_t micros;
        if (__builtin_mul_overflow(v[i], kMicrosPerDay, &micros)) {
          bad(i, std::to_string(v[i]) + " days");
        } else {
          v[i] = micros;
        }
      }
      return;
    case ValueKind::kTimestamp:
      if (leaf_.unit_nanos == 1000000) {  // milliseconds
        for (int64_t i = 0; i < n; ++i) {
          int64_t micros;
          if (__builtin_mul_overflow(v[i], int64_t{1000}, &micros)) {
            bad(i, std::to_string(v[i]) + " ms");
          } else {
            v[i] = micros;
          }
        }
      } else if (leaf_.unit_nanos == 1) {
        // Nanoseconds to microseconds, truncated toward zero as DuckDB and Arrow cast them.
        for (int64_t i = 0; i < n; ++i) v[i] /= 1000;
      }
      return;
    case ValueKind::kDecimal:
      out->doubles.resize(n);
      for (int64_t i = 0; i < n; ++i) out->doubles[i] = DecimalToDouble(v[i], leaf_.scale);
      v.clear();
      return;
    case ValueKind::kTime: {
      // Seconds since midnight; the unit is exact in a double for any time of day.
      const double per_second = 1e9 / static_cast<double>(leaf_.unit_nanos);
      out->doubles.resize(n);
      for (int64_t i = 0; i < n; ++i) out->doubles[i] = static_cast<double>(v[i]) / per_second;
      v.clear();
      return;
    }
    default:
      Fail(ErrorCode::kInternal, "IntsToNatural on a non-integer column");
  }
}

// Byte arrays (in out->strings) are strings already, if UTF-8; decimals and FLOAT16 become
// doubles.
void ColumnReader::BytesToNatural(Values* out) {
  if (leaf_.kind == ValueKind::kString) {
    const std::vector<std::string_view>& s = out->strings;
    for (int64_t i = 0; i < static_cast<int64_t>(s.size()); ++i)
      if (!IsUtf8Text(s[i]))
        out->bad.push_back({i, Printable(s[i], kMaxQuotedValue),
                            s[i].find('\0') != std::string_view::npos
                                ? ": NUL byte in a STRING column"
                                : ": not UTF-8, though the file declares the column a STRING"});
    return;
  }
  const std::vector<std::string_view>& s = out->strings;
  const int64_t n = static_cast<int64_t>(s.size());
  out->doubles.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    if (leaf_.float16) {
      out->doubles[i] = HalfToDouble(static_cast<uint16_t>(static_cast<uint8_t>(s[i][0]) |
                                                           static_cast<uint8_t>(s[i][1]) << 8));
      continue;
    }
    __int128 unscaled;
    if (BigEndianToInt128(s[i], &unscaled)) {
      out->doubles[i] = DecimalToDouble(unscaled, leaf_.scale);
    } else {
      out->bad.push_back({i, "decimal " + Hex(s[i]), ""});
      out->doubles[i] = 0;
    }
  }
  out->strings.clear();
}

void ColumnReader::GatherFromDictionary(const std::vector<uint32_t>& indices) {
  const int64_t n = static_cast<int64_t>(indices.size());
  switch (NaturalOf(leaf_.kind)) {
    case Natural::kInt:
      page_.ints.resize(n);
      for (int64_t i = 0; i < n; ++i) page_.ints[i] = dict_.ints[indices[i]];
      break;
    case Natural::kDouble:
      page_.doubles.resize(n);
      for (int64_t i = 0; i < n; ++i) page_.doubles[i] = dict_.doubles[indices[i]];
      break;
    case Natural::kBool:
      page_.bools.resize(n);
      for (int64_t i = 0; i < n; ++i) page_.bools[i] = dict_.bools[indices[i]];
      break;
    case Natural::kString:
      break;  // kept coded
  }
  MarkBadEntries(indices);
}

// Rare: dictionary entries without a natural value (an overflowing date, a string that is not
// UTF-8) make the values that point to them bad.
void ColumnReader::MarkBadEntries(const std::vector<uint32_t>& indices) {
  if (dict_.bad.empty()) return;
  std::vector<int64_t> bad_entry(dict_size_, -1);
  for (size_t b = 0; b < dict_.bad.size(); ++b) bad_entry[dict_.bad[b].index] = b;
  for (int64_t i = 0; i < static_cast<int64_t>(indices.size()); ++i)
    if (bad_entry[indices[i]] >= 0) {
      const BadNatural& entry = dict_.bad[bad_entry[indices[i]]];
      page_.bad.push_back({i, entry.text, entry.why});
    }
}

// --- Output ------------------------------------------------------------------------------------

void ColumnReader::AppendValidity(const uint8_t* defined, int64_t k) {
  Column& c = *column_;
  int64_t present = k;
  if (defined != nullptr) {
    present = 0;
    for (int64_t i = 0; i < k; ++i) present += defined[i];
  }
  if (present == k) {
    if (!c.valid.empty()) c.valid.insert(c.valid.end(), k, 1);
    return;
  }
  if (c.valid.empty()) c.valid.assign(c.length, 1);
  c.valid.insert(c.valid.end(), defined, defined + k);
  c.null_count += k - present;
}

template <typename T, typename Get>
void ColumnReader::Fill(int64_t k, const uint8_t* defined, std::vector<T>* dst, T missing,
                        Get get) {
  const size_t base = dst->size();
  dst->resize(base + k);
  T* out = dst->data() + base;
  int64_t v = value_pos_;
  if (defined == nullptr) {
    for (int64_t i = 0; i < k; ++i) out[i] = get(v + i);
    v += k;
  } else {
    for (int64_t i = 0; i < k; ++i) out[i] = defined[i] ? get(v++) : missing;
  }
  value_pos_ = v;
}

void ColumnReader::Emit(int64_t k) {
  const uint8_t* defined = defined_.empty() ? nullptr : defined_.data() + row_pos_;
  if (!page_.bad.empty() || !EmitNatural(k, defined)) return EmitGeneric(k, defined);
  if (target_ == DataType::kF64 && !AllFinite(k, defined)) return EmitNonFinite(k, defined);
  AppendValidity(defined, k);
  column_->length += k;
}

// Whether the k floats just filled are finite where defined (missing ones hold NaN).
bool ColumnReader::AllFinite(int64_t k, const uint8_t* defined) const {
  const double* values = column_->f64.data() + column_->length;
  bool finite = true;
  for (int64_t i = 0; i < k; ++i)
    finite &= std::isfinite(values[i]) || (defined != nullptr && !defined[i]);
  return finite;
}

// Finishes k filled floats of which some are not finite, as the CSV reader reads them: NaN is
// a missing value, an infinity a bad value.
void ColumnReader::EmitNonFinite(int64_t k, const uint8_t* defined) {
  Column& c = *column_;
  double* values = c.f64.data() + c.length;
  valid_scratch_.assign(k, 1);
  for (int64_t i = 0; i < k; ++i) {
    if (defined != nullptr && !defined[i]) {
      valid_scratch_[i] = 0;
    } else if (std::isnan(values[i])) {
      valid_scratch_[i] = 0;
    } else if (std::isinf(values[i])) {
      bad_.push_back(BadCell{c.length + i, values[i] > 0 ? "inf" : "-inf", kInfiniteWhy});
      values[i] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  AppendValidity(valid_scratch_.data(), k);
  c.length += k;
}

// The natural conversions, copied without going through text; false for any other.
bool ColumnReader::EmitNatural(int64_t k, const uint8_t* defined) {
  Column& c = *column_;
  const Natural natural = NaturalOf(leaf_.kind);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool timestamp = leaf_.kind == ValueKind::kDate || leaf_.kind == ValueKind::kTimestamp;
  if (natural == Natural::kInt && !timestamp && target_ == DataType::kI64) {
    Fill(k, defined, &c.i64, int64_t{0}, [&](int64_t v) { return page_.ints[v]; });
  } else if (natural == Natural::kInt && !timestamp && target_ == DataType::kF64) {
    Fill(k, defined, &c.f64, nan, [&](int64_t v) { return static_cast<double>(page_.ints[v]); });
  } else if (natural == Natural::kInt && timestamp && target_ == DataType::kTimestamp) {
    Fill(k, defined, &c.i64, int64_t{0}, [&](int64_t v) { return page_.ints[v]; });
  } else if (natural == Natural::kDouble && target_ == DataType::kF64) {
    Fill(k, defined, &c.f64, nan, [&](int64_t v) { return page_.doubles[v]; });
  } else if (natural == Natural::kBool && target_ == DataType::kBool) {
    Fill(k, defined, &c.u8, uint8_t{0}, [&](int64_t v) { return page_.bools[v]; });
  } else if (natural == Natural::kString && target_ == DataType::kString) {
    int64_t v = value_pos_;
    for (int64_t i = 0; i < k; ++i) {
      if (defined == nullptr || defined[i]) c.chars.append(StringAt(v++));
      c.offsets.push_back(static_cast<int64_t>(c.chars.size()));
    }
    value_pos_ = v;
  } else if (natural == Natural::kString && target_ == DataType::kCategory && dictionary_coded_) {
    // Each dictionary entry is encoded once per batch: the page dictionary does the work of
    // the hash table.
    Fill(k, defined, &c.codes, int32_t{-1}, [&](int64_t v) {
      const uint32_t entry = indices_[v];
      int32_t& code = code_of_entry_[entry];
      if (code < 0) {
        code = categories_.Encode(dict_.strings[entry]);
        coded_entries_.push_back(entry);
      }
      return code;
    });
  } else if (natural == Natural::kString && target_ == DataType::kCategory) {
    Fill(k, defined, &c.codes, int32_t{-1},
         [&](int64_t v) { return categories_.Encode(page_.strings[v]); });
  } else {
    return false;
  }
  return true;
}

std::string_view ColumnReader::Text(int64_t value, std::string* scratch) const {
  char buffer[32];
  switch (NaturalOf(leaf_.kind)) {
    case Natural::kInt:
      if (leaf_.kind != ValueKind::kInt) return *scratch = FormatTimestamp(page_.ints[value]);
      return scratch->assign(buffer, std::to_chars(buffer, buffer + 32, page_.ints[value]).ptr);
    case Natural::kDouble:
      return scratch->assign(buffer, std::to_chars(buffer, buffer + 32, page_.doubles[value]).ptr);
    case Natural::kBool:
      return page_.bools[value] ? "true" : "false";
    case Natural::kString:
      return StringAt(value);
  }
  return {};
}

bool ColumnReader::PushText(std::string_view text) {
  Column& c = *column_;
  switch (target_) {
    case DataType::kF64: {
      double v;
      if (!ParseDouble(TrimSpaces(text), &v)) return false;
      c.f64.push_back(v);
      return true;
    }
    case DataType::kI64:
    case DataType::kTimestamp: {
      int64_t v;
      const std::string_view trimmed = TrimSpaces(text);
      if (!(target_ == DataType::kI64 ? ParseIntValue(trimmed, &v)
                                      : ParseTimestamp(trimmed, &v)))
        return false;
      c.i64.push_back(v);
      return true;
    }
    case DataType::kBool: {
      bool v;
      if (!ParseBool(TrimSpaces(text), &v)) return false;
      c.u8.push_back(v);
      return true;
    }
    case DataType::kString:
      c.chars.append(text);
      c.offsets.push_back(static_cast<int64_t>(c.chars.size()));
      return true;
    case DataType::kCategory:
      c.codes.push_back(categories_.Encode(text));
      return true;
  }
  return false;
}

void ColumnReader::PushMissing() {
  Column& c = *column_;
  switch (target_) {
    case DataType::kF64:
      c.f64.push_back(std::numeric_limits<double>::quiet_NaN());
      break;
    case DataType::kI64:
    case DataType::kTimestamp:
      c.i64.push_back(0);
      break;
    case DataType::kBool:
      c.u8.push_back(0);
      break;
    case DataType::kString:
      c.offsets.push_back(static_cast<int64_t>(c.chars.size()));
      break;
    case DataType::kCategory:
      c.codes.push_back(-1);
      break;
  }
}

// Any other conversion: the value as text, parsed as the CSV reader parses a field. Text that
// is a missing-value spelling is missing, as in a CSV file.
void ColumnReader::EmitGeneric(int64_t k, const uint8_t* defined) {
  Column& c = *column_;
  const bool from_text = NaturalOf(leaf_.kind) == Natural::kString;
  const bool to_text = target_ == DataType::kString || target_ == DataType::kCategory;
  valid_scratch_.assign(k, 1);
  std::string scratch;
  for (int64_t i = 0; i < k; ++i) {
    if (defined != nullptr && !defined[i]) {
      valid_scratch_[i] = 0;
      PushMissing();
      continue;
    }
    const int64_t v = value_pos_++;
    while (bad_pos_ < page_.bad.size() && page_.bad[bad_pos_].index < v) ++bad_pos_;
    if (bad_pos_ < page_.bad.size() && page_.bad[bad_pos_].index == v) {
      bad_.push_back(BadCell{c.length + i, page_.bad[bad_pos_].text, page_.bad[bad_pos_].why});
      PushMissing();
      continue;
    }
    const std::string_view text = Text(v, &scratch);
    if (from_text && !to_text && na_.Matches(text)) {
      valid_scratch_[i] = 0;
      PushMissing();
    } else if (!PushText(text)) {
      std::string shown(text.substr(0, kMaxQuotedValue));
      if (text.size() > kMaxQuotedValue) shown += "...";
      bad_.push_back(BadCell{c.length + i, std::move(shown), ""});
      PushMissing();
    } else if (target_ == DataType::kF64 && !std::isfinite(c.f64.back())) {
      // As the CSV reader: NaN (in any spelling) is missing, infinity a bad value.
      if (std::isinf(c.f64.back()))
        bad_.push_back(BadCell{c.length + i, std::string(text.substr(0, kMaxQuotedValue)),
                                kInfiniteWhy});
      else
        valid_scratch_[i] = 0;
      c.f64.back() = std::numeric_limits<double>::quiet_NaN();
    }
  }
  AppendValidity(valid_scratch_.data(), k);
  c.length += k;
}

}  // namespace outcore::parquet
