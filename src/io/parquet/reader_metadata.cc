// Decoding of the footer (FileMetaData) and page headers. Field ids are those of parquet.thrift
// (apache/parquet-format). Nothing read here is trusted: sizes, offsets and counts are checked
// against the file before the reader uses them.
#include "io/parquet/reader_metadata.h"

#include <cstring>
#include <limits>
#include <set>

#include "io/input_file.h"
#include "io/parquet/thrift_decoder.h"
#include "outcore/error.h"

namespace outcore::parquet {
namespace {

constexpr int32_t kRepeated = 2;
// ConvertedType wire values.
constexpr int32_t kConvertedUtf8 = 0;
constexpr int32_t kConvertedEnum = 4;
constexpr int32_t kConvertedDecimal = 5;
constexpr int32_t kConvertedDate = 6;
constexpr int32_t kConvertedTimeMillis = 7;
constexpr int32_t kConvertedTimeMicros = 8;
constexpr int32_t kConvertedTimestampMillis = 9;
constexpr int32_t kConvertedTimestampMicros = 10;
constexpr int32_t kConvertedUint8 = 11;
constexpr int32_t kConvertedUint64 = 14;
constexpr int32_t kConvertedJson = 19;
constexpr int32_t kConvertedBson = 20;
constexpr int32_t kConvertedInterval = 21;
constexpr int64_t kMaxFooterBytes = int64_t{1} << 30;
constexpr int32_t kMaxTypeLength = 1 << 20;
constexpr int32_t kMaxDecimalScale = 38;

// LogicalType union members the reader distinguishes.
enum class Logical {
  kNone,
  kString,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kInteger,
  kFloat16,
  kBson,
  kUuid,
  kOther
};

struct RawElement {
  std::optional<int32_t> type;
  int32_t type_length = 0;
  std::optional<int32_t> repetition;
  std::string name;
  bool has_name = false;
  int32_t num_children = 0;
  std::optional<int32_t> converted;
  int32_t scale = 0;
  Logical logical = Logical::kNone;
  int32_t logical_scale = 0;
  int64_t unit_nanos = 0;  // TIMESTAMP/TIME unit
  bool is_signed = true;   // INTEGER
};

// Reads a TimeUnit union: 1 MILLIS, 2 MICROS, 3 NANOS.
int64_t ReadTimeUnit(CompactReader& r) {
  int64_t nanos = 0;
  r.ReadStruct([&](int16_t id, ThriftType t) {
    if (id >= 1 && id <= 3 && t == ThriftType::kStruct)
      nanos = id == 1 ? 1000000 : id == 2 ? 1000 : 1;
    r.Skip(t);
  });
  return nanos;
}

void ReadLogicalType(CompactReader& r, RawElement* e) {
  r.ReadStruct([&](int16_t id, ThriftType t) {
    if (t != ThriftType::kStruct) return r.Skip(t);
    switch (id) {
      case 1:   // STRING
      case 4:   // ENUM
      case 12:  // JSON
        e->logical = Logical::kString;
        r.Skip(t);
        break;
      case 5:  // DECIMAL
        e->logical = Logical::kDecimal;
        r.ReadStruct([&](int16_t fid, ThriftType ft) {
          if (fid == 1) {
            e->logical_scale = r.ReadI32(ft);
          } else {
            r.Skip(ft);
          }
        });
        break;
      case 6:
        e->logical = Logical::kDate;
        r.Skip(t);
        break;
      case 7:  // TIME
      case 8:  // TIMESTAMP
        e->logical = id == 7 ? Logical::kTime : Logical::kTimestamp;
        r.ReadStruct([&](int16_t fid, ThriftType ft) {
          if (fid == 2 && ft == ThriftType::kStruct) {
            e->unit_nanos = ReadTimeUnit(r);
          } else {
            r.Skip(ft);
          }
        });
        break;
      case 10:  // INTEGER
        e->logical = Logical::kInteger;
        r.ReadStruct([&](int16_t fid, ThriftType ft) {
          if (fid == 2) {
            e->is_signed = r.ReadBool(ft);
          } else {
            r.Skip(ft);
          }
        });
        break;
      case 13:
        e->logical = Logical::kBson;
        r.Skip(t);
        break;
      case 14:
        e->logical = Logical::kUuid;
        r.Skip(t);
        break;
      case 15:
        e->logical = Logical::kFloat16;
        r.Skip(t);
        break;
      default:
        e->logical = Logical::kOther;
        r.Skip(t);
        break;
    }
  });
}

RawElement ReadSchemaElement(CompactReader& r) {
  RawElement e;
  r.ReadStruct([&](int16_t id, ThriftType t) {
    switch (id) {
      case 1:
        e.type = r.ReadI32(t);
        break;
      case 2:
        e.type_length = r.ReadI32(t);
        break;
      case 3:
        e.repetition = r.ReadI32(t);
        break;
      case 4:
        e.name = std::string(r.ReadBinary(t));
        e.has_name = true;
        break;
      case 5:
        e.num_children = r.ReadI32(t);
        break;
      case 6:
        e.converted = r.ReadI32(t);
        break;
      case 7:
        e.scale = r.ReadI32(t);
        break;
      case 10:
        if (t == ThriftType::kStruct) {
          ReadLogicalType(r, &e);
        } else {
          r.Skip(t);
        }
        break;
      default:
        r.Skip(t);
    }
  });
  if (!e.has_name) r.Invalid("a schema element has no name");
  return e;
}

// How an error names a byte-array column that is not text: its physical type, length and
// annotation ("FIXED_LEN_BYTE_ARRAY(16) UUID", "BYTE_ARRAY without a string annotation").
std::string BinaryTypeName(const RawElement& e, PhysicalType physical) {
  std::string name = physical == PhysicalType::kByteArray
                         ? "BYTE_ARRAY"
                         : "FIXED_LEN_BYTE_ARRAY(" + std::to_string(e.type_length) + ")";
  const int32_t converted = e.converted.value_or(-1);
  if (e.logical == Logical::kUuid) return name + " UUID";
  if (e.logical == Logical::kBson || converted == kConvertedBson) return name + " BSON";
  if (converted == kConvertedInterval) return name + " INTERVAL";
  if (e.logical == Logical::kOther) return name + " with an annotation outcore does not know";
  return name + " without a string annotation";
}

// Maps a leaf's physical type and annotations to how its values read.
LeafColumn MakeLeaf(const RawElement& e, const std::string& path) {
  auto fail = [&](const std::string& what) -> void {
    Fail(ErrorCode::kInvalidInput, path + ": column '" + e.name + "': " + what);
  };
  LeafColumn leaf;
  leaf.name = e.name;
  if (*e.type < 0 || *e.type > 7) fail("unknown physical type " + std::to_string(*e.type));
  leaf.physical = static_cast<PhysicalType>(*e.type);
  leaf.optional = e.repetition.value_or(1) == 1;
  const int32_t converted = e.converted.value_or(-1);
  const bool decimal = e.logical == Logical::kDecimal || converted == kConvertedDecimal;
  // STRING, ENUM and JSON are UTF-8 text; other byte arrays are binary.
  const bool text = e.logical == Logical::kString ||
                    (e.logical == Logical::kNone &&
                     (converted == kConvertedUtf8 || converted == kConvertedEnum ||
                      converted == kConvertedJson));
  if (decimal) {
    leaf.scale = e.logical == Logical::kDecimal ? e.logical_scale : e.scale;
    if (leaf.scale < 0 || leaf.scale > kMaxDecimalScale)
      fail("decimal scale " + std::to_string(leaf.scale) + " is out of range");
  }
  switch (leaf.physical) {
    case PhysicalType::kBoolean:
      leaf.kind = ValueKind::kBool;
      break;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      if (decimal) {
        leaf.kind = ValueKind::kDecimal;
      } else if (leaf.physical == PhysicalType::kInt32 &&
                 (e.logical == Logical::kDate || converted == kConvertedDate)) {
        leaf.kind = ValueKind::kDate;
      } else if (leaf.physical == PhysicalType::kInt64 &&
                 (e.logical == Logical::kTimestamp || converted == kConvertedTimestampMillis ||
                  converted == kConvertedTimestampMicros)) {
        leaf.kind = ValueKind::kTimestamp;
        leaf.unit_nanos = e.logical == Logical::kTimestamp         ? e.unit_nanos
                          : converted == kConvertedTimestampMillis ? 1000000
                                                                   : 1000;
        if (leaf.unit_nanos == 0) fail("timestamp without a known unit");
      } else if (e.logical == Logical::kTime ||
                 (leaf.physical == PhysicalType::kInt32 && converted == kConvertedTimeMillis) ||
                 (leaf.physical == PhysicalType::kInt64 && converted == kConvertedTimeMicros)) {
        leaf.kind = ValueKind::kTime;
        leaf.unit_nanos = e.logical == Logical::kTime         ? e.unit_nanos
                          : converted == kConvertedTimeMillis ? 1000000
                                                              : 1000;
        if (leaf.unit_nanos == 0) fail("time without a known unit");
      } else {
        leaf.kind = ValueKind::kInt;
        leaf.unsigned_int = (e.logical == Logical::kInteger && !e.is_signed) ||
                            (converted >= kConvertedUint8 && converted <= kConvertedUint64);
      }
      break;
    case PhysicalType::kInt96:
      leaf.kind = ValueKind::kTimestamp;  // legacy: nanoseconds of the day + Julian day
      break;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      leaf.kind = ValueKind::kDouble;
      break;
    case PhysicalType::kByteArray:
      if (decimal) {
        leaf.kind = ValueKind::kDecimal;
      } else if (text) {
        leaf.kind = ValueKind::kString;
      } else {
        leaf.kind = ValueKind::kBinary;
        leaf.binary_type = BinaryTypeName(e, leaf.physical);
      }
      break;
    case PhysicalType::kFixedLenByteArray:
      if (e.type_length <= 0 || e.type_length > kMaxTypeLength)
        fail("fixed-length byte array of invalid length " + std::to_string(e.type_length));
      leaf.type_length = e.type_length;
      if (decimal) {
        leaf.kind = ValueKind::kDecimal;
      } else if (e.logical == Logical::kFloat16) {
        if (e.type_length != 2) fail("FLOAT16 must be 2 bytes long");
        leaf.kind = ValueKind::kDouble;
        leaf.float16 = true;
      } else if (text) {
        leaf.kind = ValueKind::kString;
      } else {
        leaf.kind = ValueKind::kBinary;
        leaf.binary_type = BinaryTypeName(e, leaf.physical);
      }
      break;
  }
  switch (leaf.kind) {
    case ValueKind::kInt:
      leaf.type = DataType::kI64;
      break;
    case ValueKind::kDouble:
    case ValueKind::kDecimal:
    case ValueKind::kTime:
      leaf.type = DataType::kF64;
      break;
    case ValueKind::kBool:
      leaf.type = DataType::kBool;
      break;
    case ValueKind::kDate:
    case ValueKind::kTimestamp:
      leaf.type = DataType::kTimestamp;
      break;
    case ValueKind::kString:
    case ValueKind::kBinary:  // listed in the schema as text, refused when read
      leaf.type = DataType::kString;
      break;
  }
  return leaf;
}

// The root group's children must all be primitive leaves.
std::vector<LeafColumn> FlatSchema(const std::vector<RawElement>& elements,
                                   const std::string& path) {
  if (elements.empty()) Fail(ErrorCode::kInvalidInput, path + ": the schema is empty");
  const RawElement& root = elements[0];
  if (root.num_children < 0 || static_cast<size_t>(root.num_children) > elements.size() - 1)
    Fail(ErrorCode::kInvalidInput, path + ": the schema root claims " +
                                       std::to_string(root.num_children) + " children but " +
                                       std::to_string(elements.size() - 1) + " elements follow");
  std::vector<LeafColumn> leaves;
  std::set<std::string> names;
  for (size_t i = 1; i < elements.size(); ++i) {
    const RawElement& e = elements[i];
    if (e.num_children > 0 || !e.type)
      Fail(ErrorCode::kInvalidInput, path + ": column '" + e.name + "' is nested (a group of " +
                                         std::to_string(e.num_children) +
                                         " fields): only flat schemas can be read");
    if (e.repetition.value_or(1) == kRepeated)
      Fail(ErrorCode::kInvalidInput,
           path + ": column '" + e.name + "' is repeated (a list): only flat schemas can be read");
    if (!names.insert(e.name).second)
      Fail(ErrorCode::kInvalidInput, path + ": column '" + e.name + "' appears twice");
    leaves.push_back(MakeLeaf(e, path));
  }
  if (leaves.size() != static_cast<size_t>(root.num_children))
    Fail(ErrorCode::kInvalidInput, path + ": the schema root claims " +
                                       std::to_string(root.num_children) + " children but has " +
                                       std::to_string(leaves.size()));
  return leaves;
}

struct RawChunk {
  std::optional<int32_t> type;
  std::optional<int32_t> codec;
  std::optional<int64_t> num_values;
  std::optional<int64_t> compressed_size;
  std::optional<int64_t> data_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::string last_path;  // last element of path_in_schema
  int64_t path_length = 0;
  bool external = false;  // file_path set
  bool encrypted = false;
  bool has_meta = false;
};

void ReadColumnMetaData(CompactReader& r, RawChunk* c) {
  c->has_meta = true;
  r.ReadStruct([&](int16_t id, ThriftType t) {
    switch (id) {
      case 1:
        c->type = r.ReadI32(t);
        break;
      case 3: {
        const CompactReader::ListHeader list = r.ReadList(t);
        c->path_length = list.size;
        for (int64_t i = 0; i < list.size; ++i)
          c->last_path = std::string(r.ReadBinary(list.element_type));
        break;
      }
      case 4:
        c->codec = r.ReadI32(t);
        break;
      case 5:
        c->num_values = r.ReadI64(t);
        break;
      case 7:
        c->compressed_size = r.ReadI64(t);
        break;
      case 9:
        c->data_page_offset = r.ReadI64(t);
        break;
      case 11:
        c->dictionary_page_offset = r.ReadI64(t);
        break;
      default:
        r.Skip(t);
    }
  });
}

RawChunk ReadColumnChunk(CompactReader& r) {
  RawChunk c;
  r.ReadStruct([&](int16_t id, ThriftType t) {
    switch (id) {
      case 1:
        c.external = !r.ReadBinary(t).empty();
        break;
      case 3:
        if (t != ThriftType::kStruct) r.Invalid("ColumnChunk.meta_data is not a struct");
        ReadColumnMetaData(r, &c);
        break;
      case 8:
      case 9:
        c.encrypted = true;
        r.Skip(t);
        break;
      default:
        r.Skip(t);
    }
  });
  return c;
}

struct RawRowGroup {
  std::vector<RawChunk> chunks;
  std::optional<int64_t> num_rows;
};

RawRowGroup ReadRowGroup(CompactReader& r) {
  RawRowGroup g;
  r.ReadStruct([&](int16_t id, ThriftType t) {
    if (id == 1) {
      const CompactReader::ListHeader list = r.ReadList(t);
      if (list.element_type != ThriftType::kStruct)
        r.Invalid("RowGroup.columns is not a list of structs");
      g.chunks.reserve(list.size);
      for (int64_t i = 0; i < list.size; ++i) g.chunks.push_back(ReadColumnChunk(r));
    } else if (id == 3) {
      g.num_rows = r.ReadI64(t);
    } else {
      r.Skip(t);
    }
  });
  return g;
}

ChunkInfo CheckChunk(const RawChunk& c, const LeafColumn& leaf, int64_t num_rows, int64_t data_end,
                     const std::string& where) {
  auto fail = [&](const std::string& what) { Fail(ErrorCode::kInvalidInput, where + ": " + what); };
  if (c.encrypted) fail("the column is encrypted, which is not supported");
  if (c.external) fail("the column's data is in another file, which is not supported");
  if (!c.has_meta || !c.type || !c.codec || !c.num_values || !c.compressed_size ||
      !c.data_page_offset)
    fail("column chunk metadata lacks a required field");
  if (*c.type != static_cast<int32_t>(leaf.physical))
    fail("the chunk's physical type " + std::to_string(*c.type) + " differs from the schema's " +
         std::to_string(static_cast<int32_t>(leaf.physical)));
  if (c.path_length != 1 || c.last_path != leaf.name)
    fail("the chunk's path '" + c.last_path + "' does not name the column");
  if (*c.num_values != num_rows)
    fail("the chunk holds " + std::to_string(*c.num_values) + " values for " +
         std::to_string(num_rows) + " rows");
  ChunkInfo info;
  info.codec = *c.codec;
  if (num_rows == 0) return info;  // nothing to read: writers may leave the offsets at 0
  info.num_values = *c.num_values;
  info.compressed_size = *c.compressed_size;
  info.offset = *c.data_page_offset;
  // Some writers store 0 for "no dictionary page".
  if (c.dictionary_page_offset && *c.dictionary_page_offset > 0 &&
      *c.dictionary_page_offset < info.offset)
    info.offset = *c.dictionary_page_offset;
  if (info.compressed_size <= 0 || info.offset < 4 || info.offset > data_end ||
      info.compressed_size > data_end - info.offset)
    fail("the chunk's " + std::to_string(info.compressed_size) + " bytes at offset " +
         std::to_string(info.offset) + " lie outside the file's data (bytes 4 to " +
         std::to_string(data_end) + ")");
  return info;
}

}  // namespace

FileLayout ParseFileMetaData(std::string_view footer, int64_t data_end, const std::string& path) {
  CompactReader r(reinterpret_cast<const uint8_t*>(footer.data()), footer.size(),
                  path + ": the file metadata");
  std::vector<RawElement> elements;
  std::vector<RawRowGroup> groups;
  std::optional<int64_t> num_rows;
  bool encrypted = false;
  r.ReadStruct([&](int16_t id, ThriftType t) {
    switch (id) {
      case 2: {
        const CompactReader::ListHeader list = r.ReadList(t);
        if (list.element_type != ThriftType::kStruct)
          r.Invalid("the schema is not a list of structs");
        elements.reserve(list.size);
        for (int64_t i = 0; i < list.size; ++i) elements.push_back(ReadSchemaElement(r));
        break;
      }
      case 3:
        num_rows = r.ReadI64(t);
        break;
      case 4: {
        const CompactReader::ListHeader list = r.ReadList(t);
        if (list.element_type != ThriftType::kStruct)
          r.Invalid("row_groups is not a list of structs");
        groups.reserve(list.size);
        for (int64_t i = 0; i < list.size; ++i) groups.push_back(ReadRowGroup(r));
        break;
      }
      case 8:
        encrypted = true;
        r.Skip(t);
        break;
      default:
        r.Skip(t);
    }
  });
  if (encrypted)
    Fail(ErrorCode::kInvalidInput, path + ": encrypted Parquet files are not supported");
  if (!num_rows || *num_rows < 0)
    Fail(ErrorCode::kInvalidInput, path + ": the file metadata has no valid row count");

  FileLayout layout;
  layout.columns = FlatSchema(elements, path);
  layout.num_rows = *num_rows;
  int64_t first_row = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const RawRowGroup& raw = groups[g];
    const std::string where = path + ": row group " + std::to_string(g);
    if (!raw.num_rows || *raw.num_rows < 0 || *raw.num_rows > layout.num_rows - first_row)
      Fail(ErrorCode::kInvalidInput,
           where + ": invalid row count " + std::to_string(raw.num_rows.value_or(-1)));
    if (raw.chunks.size() != layout.columns.size())
      Fail(ErrorCode::kInvalidInput, where + ": " + std::to_string(raw.chunks.size()) +
                                         " column chunks for " +
                                         std::to_string(layout.columns.size()) + " columns");
    RowGroupInfo info;
    info.num_rows = *raw.num_rows;
    info.first_row = first_row;
    for (size_t c = 0; c < raw.chunks.size(); ++c) {
      info.chunks.push_back(CheckChunk(raw.chunks[c], layout.columns[c], info.num_rows, data_end,
                                       where + ", column '" + layout.columns[c].name + "'"));
      info.compressed_size += info.chunks.back().compressed_size;
    }
    first_row += info.num_rows;
    layout.row_groups.push_back(std::move(info));
  }
  if (first_row != layout.num_rows)
    Fail(ErrorCode::kInvalidInput, path + ": the row groups hold " + std::to_string(first_row) +
                                       " rows but the file claims " +
                                       std::to_string(layout.num_rows));
  return layout;
}

FileLayout ReadFileLayout(const InputFile& file) {
  const std::string& path = file.path();
  const int64_t size = file.size();
  if (size < 12)
    Fail(ErrorCode::kInvalidInput,
         path + ": not a Parquet file (" + std::to_string(size) + " bytes is too small)");
  char head[4], tail[8];
  if (file.Read(0, 4, head) != 4 || file.Read(size - 8, 8, tail) != 8)
    Fail(ErrorCode::kIO, path + ": the file ended early (did it change while read?)");
  if (std::memcmp(head, "PAR1", 4) != 0)
    Fail(ErrorCode::kInvalidInput, path + ": not a Parquet file (it does not start with PAR1)");
  if (std::memcmp(tail + 4, "PARE", 4) == 0)
    Fail(ErrorCode::kInvalidInput, path + ": encrypted Parquet files are not supported");
  if (std::memcmp(tail + 4, "PAR1", 4) != 0)
    Fail(ErrorCode::kInvalidInput,
         path + ": the file does not end with PAR1 (is it truncated, or still being written?)");
  uint32_t footer_length;
  std::memcpy(&footer_length, tail, 4);  // little-endian hosts
  if (footer_length > size - 12 || footer_length > kMaxFooterBytes)
    Fail(ErrorCode::kInvalidInput, path + ": the footer length " + std::to_string(footer_length) +
                                       " is larger than the file allows (" + std::to_string(size) +
                                       " bytes)");
  if (footer_length == 0) Fail(ErrorCode::kInvalidInput, path + ": the footer is empty");
  const int64_t data_end = size - 8 - footer_length;
  std::string footer(footer_length, '\0');
  if (file.Read(data_end, footer_length, footer.data()) != footer_length)
    Fail(ErrorCode::kIO, path + ": the file ended early (did it change while read?)");
  FileLayout layout = ParseFileMetaData(footer, data_end, path);
  layout.file_size = size;
  return layout;
}

PageHeader ParsePageHeader(std::string_view bytes, const std::string& context,
                           size_t* header_size) {
  CompactReader r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                  context + ": a page header");
  PageHeader h;
  std::optional<int32_t> type, uncompressed, compressed;
  bool has_data = false, has_dictionary = false, has_v2 = false;
  std::optional<int32_t> num_values, encoding;
  r.ReadStruct([&](int16_t id, ThriftType t) {
    switch (id) {
      case 1:
        type = r.ReadI32(t);
        break;
      case 2:
        uncompressed = r.ReadI32(t);
        break;
      case 3:
        compressed = r.ReadI32(t);
        break;
      case 5:  // DataPageHeader
        has_data = true;
        r.ReadStruct([&](int16_t fid, ThriftType ft) {
          if (fid == 1) {
            num_values = r.ReadI32(ft);
          } else if (fid == 2) {
            encoding = r.ReadI32(ft);
          } else if (fid == 3) {
            h.definition_level_encoding = static_cast<Encoding>(r.ReadI32(ft));
          } else {
            r.Skip(ft);
          }
        });
        break;
      case 7:  // DictionaryPageHeader
        has_dictionary = true;
        r.ReadStruct([&](int16_t fid, ThriftType ft) {
          if (fid == 1) {
            num_values = r.ReadI32(ft);
          } else if (fid == 2) {
            encoding = r.ReadI32(ft);
          } else {
            r.Skip(ft);
          }
        });
        break;
      case 8:  // DataPageHeaderV2
        has_v2 = true;
        r.ReadStruct([&](int16_t fid, ThriftType ft) {
          switch (fid) {
            case 1:
              num_values = r.ReadI32(ft);
              break;
            case 2:
              h.num_nulls = r.ReadI32(ft);
              break;
            case 3:
              h.num_rows = r.ReadI32(ft);
              break;
            case 4:
              encoding = r.ReadI32(ft);
              break;
            case 5:
              h.definition_levels_length = r.ReadI32(ft);
              break;
            case 6:
              h.repetition_levels_length = r.ReadI32(ft);
              break;
            case 7:
              h.is_compressed = r.ReadBool(ft);
              break;
            default:
              r.Skip(ft);
          }
        });
        break;
      default:
        r.Skip(t);
    }
  });
  if (!type || !uncompressed || !compressed) r.Invalid("a required field is missing");
  if (*uncompressed < 0 || *compressed < 0) r.Invalid("negative page size");
  h.type = static_cast<PageType>(*type);
  h.uncompressed_size = *uncompressed;
  h.compressed_size = *compressed;
  const bool is_data = h.type == PageType::kDataPage, is_v2 = h.type == kDataPageV2,
             is_dictionary = h.type == PageType::kDictionaryPage;
  if ((is_data && !has_data) || (is_v2 && !has_v2) || (is_dictionary && !has_dictionary))
    r.Invalid("the page's type-specific header is missing");
  if (is_data || is_v2 || is_dictionary) {
    if (!num_values || !encoding) r.Invalid("a required field is missing");
    if (*num_values < 0) r.Invalid("negative value count");
    h.num_values = *num_values;
    h.encoding = static_cast<Encoding>(*encoding);
  }
  if (is_v2) {
    if (h.num_nulls < 0 || h.num_nulls > h.num_values || h.num_rows < 0 ||
        h.definition_levels_length < 0 || h.repetition_levels_length < 0 ||
        int64_t{h.definition_levels_length} + h.repetition_levels_length >
            std::min(h.compressed_size, h.uncompressed_size))
      r.Invalid("inconsistent counts or level lengths in a v2 data page");
  }
  *header_size = r.position();
  return h;
}

std::string CodecName(int32_t codec) {
  static const char* const kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                       "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
  if (codec >= 0 && codec < 8) return kNames[codec];
  return std::to_string(codec);  // unknown: its wire value
}

std::string EncodingName(Encoding encoding) {
  static const char* const kNames[] = {
      "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
      "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  const int32_t e = static_cast<int32_t>(encoding);
  if (e >= 0 && e < 10) return kNames[e];
  return "encoding " + std::to_string(e);
}

}  // namespace outcore::parquet
