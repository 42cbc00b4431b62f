#pragma once
/// The subset of parquet.thrift that outcore writes: enums with their wire values, plain structs
/// for page headers and file metadata, and their compact-protocol serialisation.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace outcore::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kRleDictionary = 8,
};

enum class Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };

enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2 };

/// The logical annotations outcore uses (each written as both LogicalType and ConvertedType).
enum class LogicalType { kNone, kString, kTimestampMicros };

/// Chunk statistics; min/max are PLAIN-encoded values (byte arrays without length prefix).
struct Statistics {
  std::optional<int64_t> null_count;
  std::optional<int64_t> nan_count;  // floating-point columns only
  bool has_min_max = false;
  std::string min_value;
  std::string max_value;
  // Also fill the deprecated min/max, which readers compare signed: only correct for types
  // whose order is signed (not byte arrays, whose order is unsigned).
  bool signed_order = false;
};

struct ColumnChunkMeta {
  PhysicalType type = PhysicalType::kInt64;
  std::vector<Encoding> encodings;  // every encoding used by the chunk's pages, levels included
  std::string path;                 // a top-level leaf: its name is the whole path
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // page headers included
  int64_t total_compressed_size = 0;    // page headers included
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  Statistics statistics;
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t total_compressed_size = 0;
  int64_t file_offset = 0;
};

struct LeafSchema {
  std::string name;
  PhysicalType type = PhysicalType::kInt64;
  LogicalType logical = LogicalType::kNone;
};

struct FileMeta {
  std::vector<LeafSchema> columns;  // all OPTIONAL leaves of one root group
  int64_t num_rows = 0;
  std::vector<RowGroupMeta> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by;
};

/// Appends a PageHeader for a v1 data page whose levels are RLE-encoded.
void AppendDataPageHeader(int32_t uncompressed_size, int32_t compressed_size, int32_t num_values,
                          Encoding encoding, std::string* out);
/// Appends a PageHeader for a PLAIN dictionary page.
void AppendDictionaryPageHeader(int32_t uncompressed_size, int32_t compressed_size,
                                int32_t num_values, std::string* out);
/// Serialises the footer's FileMetaData.
std::string SerializeFileMeta(const FileMeta& meta);

}  // namespace outcore::parquet
