#pragma once
/// Input: read options, splits (the unit of parallel work), split readers and sources.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/error.h"

namespace outcore {

/// What to do with a row that cannot be read.
enum class BadRowPolicy { kStop, kSkip, kReject };

/// How text input is read. Stored in the model file so predict reads as fit did.
struct ReadOptions {
  char delimiter = ',';
  char quote = '"';   // opens a quoted field at a field's start; '\0': no quoting
  char escape = '\0';  // makes the next byte in a quoted field data; '\0': only "" (doubled)
  bool header = true;
  std::vector<std::string> na_values = {"", "NA", "NaN", "null"};
  std::map<std::string, DataType> dtypes;  // declared types by column name
  std::vector<std::string> parse_dates;    // columns read as timestamp
  int64_t infer_rows = 10000;              // sample size for inferring undeclared types
};

/// The `quote` read option as text: one character, or "" or "none" for no quoting (stored as
/// '\0'). False if the text is neither.
bool ParseQuoteOption(const std::string& text, char* quote);
/// The `escape` read option as text: one character, or "" for none (only the doubled quote).
bool ParseEscapeOption(const std::string& text, char* escape);
/// The options' text as the two functions above read it ("none" and "" for '\0').
std::string QuoteOptionText(char quote);
std::string EscapeOptionText(char escape);

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

  std::string ToJson() const;
  static Split FromJson(const std::string& json);
  /// Where the `row`-th (0-based) row read from this split is, for an error message:
  /// "PATH: row N" (1-based, header not counted), "PATH, from byte B: row N" for a CSV split
  /// that does not start the file, "PATH, from row group G: row N" for Parquet.
  std::string RowPlace(int64_t row) const;
};

/// A value that cannot be read as its column's type, as the reader that met it describes it:
/// callers decide from these fields, never from the message text.
struct BadValue {
  /// Where the column's type came from.
  enum class TypeFrom {
    kInferred,  // CSV: guessed from the first rows (or a model that guessed so at fit)
    kDeclared,  // named in the read options' dtypes or parse_dates
    kStored,    // the input's own type (a Parquet or PostgreSQL column)
  };
  std::string column;
  std::string value;  // as messages show it: cut to 200 bytes (80 for PostgreSQL), and in CSV
                      // with unprintable bytes escaped
  DataType type = DataType::kF64;  // the type it was to be read as
  TypeFrom type_from = TypeFrom::kStored;
  std::string why;  // said after "as TYPE", or empty
  // Where: the file (or PostgreSQL table) and the row, as the source counts rows.
  std::string path;
  int64_t line = 0;        // CSV: 1-based physical line where the row starts; Parquet and
                           // PostgreSQL: the row's number from 1
  int64_t row_group = -1;  // Parquet: the row group's index from 0
  int64_t offset = -1;     // CSV: the byte offset in the file where the row starts

  /// "column 'X': cannot parse 'V' as TYPE" and the why: the reason messages and rejects
  /// files give.
  std::string Reason() const;
};

/// One row that could not be read, kept when the policy is kReject.
struct RejectedRow {
  std::string path;
  int64_t line = 0;  // 1-based physical line where the row starts
  std::string reason;
  std::optional<BadValue> bad;  // the value that made the row bad (none for a ragged row)
};

/// The error a read stops with under BadRowPolicy::kStop: its message names the place and
/// the reason; `bad()` is the value when a value (not the row's shape) was bad.
class BadRowError : public Error {
 public:
  BadRowError(const std::string& message, std::optional<BadValue> bad)
      : Error(ErrorCode::kInvalidInput, message), bad_(std::move(bad)) {}
  const std::optional<BadValue>& bad() const { return bad_; }

 private:
  std::optional<BadValue> bad_;
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

/// Writes rejected rows as CSV (file,line,reason), appending if `append`.
void WriteRejects(const std::string& path, const std::vector<RejectedRow>& rows, bool append);

}  // namespace outcore

namespace outcore {

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
