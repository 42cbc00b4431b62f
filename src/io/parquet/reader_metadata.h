#pragma once
/// What the Parquet reader knows about a file before reading values: its flat schema, how each
/// leaf maps to an outcore type, its row groups and column chunks (all validated against the
/// file's size), and the page headers met while reading a chunk.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/parquet/parquet_format.h"
#include "outcore/column.h"

namespace outcore {
class InputFile;
}

namespace outcore::parquet {

// Wire values of parquet.thrift that the writer's enums do not name.
inline constexpr Encoding kDeltaBinaryPacked = static_cast<Encoding>(5);
inline constexpr Encoding kDeltaLengthByteArray = static_cast<Encoding>(6);
inline constexpr Encoding kDeltaByteArray = static_cast<Encoding>(7);
inline constexpr Encoding kByteStreamSplit = static_cast<Encoding>(9);
inline constexpr PageType kDataPageV2 = static_cast<PageType>(3);

/// How a leaf's stored values read as outcore values: the natural outcore type and the
/// conversion from the physical value.
enum class ValueKind {
  kInt,        // INT32/INT64 (signed, or unsigned with `unsigned_int`): kI64
  kTime,       // INT32/INT64 TIME (unit_nanos per unit): kF64, seconds since midnight
  kDouble,     // FLOAT, DOUBLE, FLOAT16: kF64
  kDecimal,    // INT32/INT64/FIXED/BYTE_ARRAY DECIMAL(precision, scale): kF64
  kBool,       // BOOLEAN: kBool
  kDate,       // INT32 DATE (days): kTimestamp at midnight
  kTimestamp,  // INT64 TIMESTAMP (time_unit_nanos per unit) or INT96: kTimestamp
  kString,     // BYTE_ARRAY annotated STRING, ENUM or JSON (UTF8): kString, checked UTF-8
  kBinary,     // any other BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY (UUID, INTERVAL...): never read
};

/// One column (a primitive leaf of the root group).
struct LeafColumn {
  std::string name;
  PhysicalType physical = PhysicalType::kInt64;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY only
  bool optional = true;     // max definition level 1 (else 0)
  ValueKind kind = ValueKind::kInt;
  bool unsigned_int = false;
  bool float16 = false;
  int32_t scale = 0;               // decimals
  int64_t unit_nanos = 1000;  // timestamps, times: nanoseconds per stored unit (1e6 ms, 1e3 us, 1 ns)
  std::string binary_type;    // kBinary: the Parquet type, "FIXED_LEN_BYTE_ARRAY(16) UUID"
  DataType type = DataType::kI64;  // the outcore type it maps to
};

/// Where one column chunk's pages are, and how they are compressed.
struct ChunkInfo {
  int32_t codec = 0;            // CompressionCodec wire value (checked when the chunk is read)
  int64_t num_values = 0;       // == the row group's rows (flat columns)
  int64_t offset = 0;           // first page (the dictionary page, if any)
  int64_t compressed_size = 0;  // bytes from `offset`, page headers included
};

struct RowGroupInfo {
  int64_t num_rows = 0;
  int64_t first_row = 0;          // rows of the file before this group
  int64_t compressed_size = 0;    // all chunks
  std::vector<ChunkInfo> chunks;  // one per leaf, in schema order
};

struct FileLayout {
  int64_t file_size = 0;
  int64_t num_rows = 0;
  std::vector<LeafColumn> columns;
  std::vector<RowGroupInfo> row_groups;
};

/// Reads and validates the footer of `file`. Errors name the file and what is wrong.
FileLayout ReadFileLayout(const InputFile& file);
/// Parses a footer's FileMetaData (exposed for tests).
FileLayout ParseFileMetaData(std::string_view footer, int64_t data_end, const std::string& path);

/// The fields of a PageHeader that reading needs.
struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  // Data page v1: encodings of the levels.
  Encoding definition_level_encoding = Encoding::kRle;
  // Data page v2.
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t definition_levels_length = 0;
  int32_t repetition_levels_length = 0;
  bool is_compressed = true;
};

/// Parses the page header at the start of `bytes`; sets *header_size to its length.
PageHeader ParsePageHeader(std::string_view bytes, const std::string& context, size_t* header_size);

/// Names for error messages: "SNAPPY", "LZ4_RAW" or "42" (an unknown codec); "RLE_DICTIONARY".
std::string CodecName(int32_t codec);
std::string EncodingName(Encoding encoding);

}  // namespace outcore::parquet
