#pragma once
/// Sources of input: splits (the unit of parallel work), split readers, the sources of each
/// format (CSV, Parquet; PostgreSQL in postgres.h) and reading whole inputs (ReadAll).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/io.h"

namespace outcore {

/// Per-run choices that are not part of the model.
struct ScanOptions {
  /// Columns to produce, in this order, with these types (a projection: other columns are
  /// only skipped over). Empty = every column, with the file's resolved types.
  Schema columns;
  BadRowPolicy on_bad_rows = BadRowPolicy::kStop;
  int64_t batch_rows = 65536;
};

/// A self-describing piece of input work; serialises to JSON so another process can run it.
struct Split {
  int64_t ordinal = 0;
  std::string format;  // "csv", "parquet", "postgres"
  std::string path;    // file path, or connection URI
  int64_t begin = 0;   // csv: byte offset of the first row; parquet: first row group
  int64_t end = 0;     // csv: byte offset just past the last row; parquet: row group past the last
  std::string query;   // postgres: the SELECT that yields this split's rows

  /// A split of a file: rows [begin, end) in the format's unit (bytes, row groups).
  static Split Range(int64_t ordinal, std::string format, std::string path, int64_t begin,
                     int64_t end);
  std::string ToJson() const;
  static Split FromJson(const std::string& json);
  /// Where the `row`-th (0-based) row read from this split is, for an error message:
  /// "PATH: row N" (1-based, header not counted), "PATH, from byte B: row N" for a CSV split
  /// that does not start the file, "PATH, from row group G: row N" for Parquet.
  std::string RowPlace(int64_t row) const;
};

struct ReadStats {
  int64_t rows_read = 0;      // good rows produced
  int64_t rows_rejected = 0;  // skipped or rejected
  int64_t bytes_read = 0;
  std::vector<RejectedRow> rejects;  // filled only under kReject
};

/// Produces the rows of one split as batches, in order.
class SplitReader {
 public:
  virtual ~SplitReader() = default;
  /// Fills `batch` with the next rows; returns false when the split is exhausted.
  virtual bool Next(Batch* batch) = 0;
  virtual const ReadStats& stats() const = 0;
};

/// A kind of input (CSV files, Parquet files, a database).
class Source {
 public:
  virtual ~Source() = default;
  /// Names and types of the columns of one input (types resolved with the read options).
  virtual Schema InspectSchema(const std::string& input) = 0;
  /// Cuts inputs into splits of about `split_size` bytes, numbered from `first_ordinal`.
  virtual std::vector<Split> Plan(const std::vector<std::string>& inputs, int64_t split_size,
                                  int64_t first_ordinal = 0) = 0;
  virtual std::unique_ptr<SplitReader> Open(const Split& split, const ScanOptions& scan) = 0;
};

/// CSV source with the given read options.
std::unique_ptr<Source> MakeCsvSource(const ReadOptions& options);

/// Parquet source (flat schemas): splits are ranges of row groups, projection reads only the
/// column chunks asked for. Columns are read as the types the read options declare (dtypes,
/// parse_dates), else as the file's own types mapped to outcore's.
std::unique_ptr<Source> MakeParquetSource(const ReadOptions& options);

/// The Source that reads a split or input of this format ("csv", "parquet" or "postgres").
std::unique_ptr<Source> MakeSource(const std::string& format, const ReadOptions& read);
/// The format of an input path or URI, from its extension or scheme.
std::string InputFormat(const std::string& input);

/// delimiter = "auto": the one of , ; tab | that splits the first lines (up to 64 KB, 50 rows)
/// of CSV file `path` into one same number of fields, more than one (quotes as `read` says);
/// the most fields wins among those that do. A kInvalidInput error naming the file when none
/// does.
char SniffDelimiter(const std::string& path, const ReadOptions& read);
/// With read->sniff_delimiter, sets read->delimiter from the first CSV file of `inputs` and
/// returns that file ("" when no input is CSV); else returns "".
std::string ResolveDelimiter(ReadOptions* read, const std::vector<std::string>& inputs);
/// A delimiter as messages show it: ';' or tab.
std::string DelimiterText(char delimiter);

/// All rows of some inputs, read in parallel but in input order (used by fit).
struct ReadResult {
  Schema schema;               // the produced columns
  std::vector<Batch> batches;  // in input order
  ReadStats stats;             // summed over splits; rejects in input order
};

/// Plans the inputs into chunks of `chunk_size` bytes and reads them on `threads` threads.
ReadResult ReadAll(Source& source, const std::vector<std::string>& inputs,
                   const ScanOptions& scan, int threads, int64_t chunk_size = 8 << 20);

}  // namespace outcore
