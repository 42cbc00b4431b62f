#pragma once
/// The Parquet part writer: one OPTIONAL leaf per column, v1 data pages, dictionary-encoded
/// strings and categories, chunk statistics, and a footer written by Finish().
#include <memory>
#include <string>

#include "io/parquet/column_writer.h"
#include "outcore/part_writer.h"

namespace outcore::parquet {

/// What OpenPartWriter returns for OutputFormat::kParquet; `tuning` is for tests and benchmarks.
std::unique_ptr<PartWriter> OpenParquetWriter(const std::string& path, const Schema& schema,
                                              const WriterOptions& options,
                                              const ParquetTuning& tuning = {});

}  // namespace outcore::parquet
