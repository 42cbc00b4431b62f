#include "io/parquet/parquet_format.h"

#include "io/parquet/thrift_compact.h"

// Field ids below are those of parquet.thrift (apache/parquet-format).
namespace outcore::parquet {
namespace {

constexpr int32_t kRepetitionOptional = 1;
constexpr int32_t kConvertedUtf8 = 0;
constexpr int32_t kConvertedTimestampMicros = 10;

int32_t Wire(PhysicalType t) { return static_cast<int32_t>(t); }
int32_t Wire(Encoding e) { return static_cast<int32_t>(e); }

void WriteStatistics(int16_t id, const Statistics& s, CompactWriter* w) {
  w->BeginStruct(id);
  if (s.has_min_max && s.signed_order) {
    w->Binary(1, s.max_value);  // max
    w->Binary(2, s.min_value);  // min
  }
  if (s.null_count) w->I64(3, *s.null_count);
  if (s.has_min_max) {
    w->Binary(5, s.max_value);  // max_value
    w->Binary(6, s.min_value);  // min_value
    w->Bool(7, true);           // is_max_value_exact
    w->Bool(8, true);           // is_min_value_exact
  }
  if (s.nan_count) w->I64(9, *s.nan_count);
  w->EndStruct();
}

void WriteLeaf(const LeafSchema& leaf, CompactWriter* w) {
  w->BeginListStruct();
  w->I32(1, Wire(leaf.type));      // type
  w->I32(3, kRepetitionOptional);  // repetition_type
  w->Binary(4, leaf.name);         // name
  switch (leaf.logical) {
    case LogicalType::kNone:
      break;
    case LogicalType::kString:
      w->I32(6, kConvertedUtf8);  // converted_type
      w->BeginStruct(10);         // logicalType
      w->BeginStruct(1);          // STRING
      w->EndStruct();
      w->EndStruct();
      break;
    case LogicalType::kTimestampMicros:
      w->I32(6, kConvertedTimestampMicros);
      w->BeginStruct(10);  // logicalType
      w->BeginStruct(8);   // TIMESTAMP
      w->Bool(1, false);   // isAdjustedToUTC: outcore timestamps have no zone
      w->BeginStruct(2);   // unit
      w->BeginStruct(2);   // MICROS
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      break;
  }
  w->EndStruct();
}

void WriteColumnChunk(const ColumnChunkMeta& c, CompactWriter* w) {
  w->BeginListStruct();
  w->I64(2, 0);       // file_offset: deprecated, 0 when no metadata is written outside the footer
  w->BeginStruct(3);  // meta_data
  w->I32(1, Wire(c.type));
  w->BeginList(2, ThriftType::kI32, c.encodings.size());
  for (Encoding e : c.encodings) w->ListI32(Wire(e));
  w->BeginList(3, ThriftType::kBinary, 1);  // path_in_schema
  w->ListBinary(c.path);
  w->I32(4, static_cast<int32_t>(c.codec));
  w->I64(5, c.num_values);
  w->I64(6, c.total_uncompressed_size);
  w->I64(7, c.total_compressed_size);
  w->I64(9, c.data_page_offset);
  if (c.dictionary_page_offset) w->I64(11, *c.dictionary_page_offset);
  WriteStatistics(12, c.statistics, w);
  w->EndStruct();
  w->EndStruct();
}

void WriteRowGroup(const RowGroupMeta& g, size_t ordinal, CompactWriter* w) {
  w->BeginListStruct();
  w->BeginList(1, ThriftType::kStruct, g.columns.size());
  for (const ColumnChunkMeta& c : g.columns) WriteColumnChunk(c, w);
  w->I64(2, g.total_byte_size);
  w->I64(3, g.num_rows);
  w->I64(5, g.file_offset);
  w->I64(6, g.total_compressed_size);
  if (ordinal <= INT16_MAX) w->I16(7, static_cast<int16_t>(ordinal));
  w->EndStruct();
}

}  // namespace

void AppendDataPageHeader(int32_t uncompressed_size, int32_t compressed_size, int32_t num_values,
                          Encoding encoding, std::string* out) {
  CompactWriter w(out);
  w.I32(1, static_cast<int32_t>(PageType::kDataPage));
  w.I32(2, uncompressed_size);
  w.I32(3, compressed_size);
  w.BeginStruct(5);  // data_page_header
  w.I32(1, num_values);
  w.I32(2, Wire(encoding));
  w.I32(3, Wire(Encoding::kRle));  // definition_level_encoding
  w.I32(4, Wire(Encoding::kRle));  // repetition_level_encoding
  w.EndStruct();
  w.End();
}

void AppendDictionaryPageHeader(int32_t uncompressed_size, int32_t compressed_size,
                                int32_t num_values, std::string* out) {
  CompactWriter w(out);
  w.I32(1, static_cast<int32_t>(PageType::kDictionaryPage));
  w.I32(2, uncompressed_size);
  w.I32(3, compressed_size);
  w.BeginStruct(7);  // dictionary_page_header
  w.I32(1, num_values);
  w.I32(2, Wire(Encoding::kPlain));
  w.EndStruct();
  w.End();
}

std::string SerializeFileMeta(const FileMeta& meta) {
  std::string out;
  CompactWriter w(&out);
  w.I32(1, 1);  // version: 1 is what the spec recommends for the widest compatibility
  w.BeginList(2, ThriftType::kStruct, meta.columns.size() + 1);  // schema
  w.BeginListStruct();                                           // root group
  w.Binary(4, "schema");
  w.I32(5, static_cast<int32_t>(meta.columns.size()));  // num_children
  w.EndStruct();
  for (const LeafSchema& leaf : meta.columns) WriteLeaf(leaf, &w);
  w.I64(3, meta.num_rows);
  w.BeginList(4, ThriftType::kStruct, meta.row_groups.size());
  for (size_t i = 0; i < meta.row_groups.size(); ++i) {
    WriteRowGroup(meta.row_groups[i], i, &w);
  }
  if (!meta.key_value_metadata.empty()) {
    w.BeginList(5, ThriftType::kStruct, meta.key_value_metadata.size());
    for (const auto& [key, value] : meta.key_value_metadata) {
      w.BeginListStruct();
      w.Binary(1, key);
      w.Binary(2, value);
      w.EndStruct();
    }
  }
  w.Binary(6, meta.created_by);
  // column_orders: without them readers must not trust min_value/max_value.
  w.BeginList(7, ThriftType::kStruct, meta.columns.size());
  for (size_t i = 0; i < meta.columns.size(); ++i) {
    w.BeginListStruct();
    w.BeginStruct(1);  // TYPE_ORDER
    w.EndStruct();
    w.EndStruct();
  }
  w.End();
  return out;
}

}  // namespace outcore::parquet
