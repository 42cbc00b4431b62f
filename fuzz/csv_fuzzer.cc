// Fuzzes the CSV reader. The first two bytes choose the options (delimiter, quote and escape,
// header, declared types, block size, split size, scanner); the rest is the file. Checks, for
// every input that reads at all:
//   - every batch is well formed (fuzz_util.h: lengths, null counts, codes in range);
//   - rows read + rows rejected == the rows an independent count finds (RFC 4180 with quotes
//     opening a field only at its start, stray quotes in unquoted fields being data);
//   - reading in many small splits gives the same rows, rejects and lines as one split;
//   - reject mode rejects exactly what skip mode skips, and stop mode either reads the same
//     rows (when nothing is bad) or fails with a data error naming the file.
//   A file that starts like gzip or zstd is read as its decompressed text (the count is taken
//   on that text).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "io/csv/csv_reader.h"
#include "io/input_file.h"
#include "outcore/source.h"

namespace outcore::fuzz {
namespace {

struct Config {
  ReadOptions read;
  csv::CsvTuning tuning;
  int64_t split_size = 1;
  int64_t batch_rows = 3;
  int declare = 0;  // 0: infer, 1: all string, 2: mixed declared types
};

Config Decode(uint8_t a, uint8_t b) {
  static const char kDelims[] = {',', ';', '\t', '|'};
  Config c;
  c.read.delimiter = kDelims[a & 3];
  c.read.header = (a & 4) == 0;
  c.declare = (a >> 3) % 3;
  switch ((a >> 3) / 3 % 4) {  // the dialect
    case 1:
      c.read.escape = '\\';
      break;
    case 2:
      c.read.quote = '\0';
      break;
    case 3:
      c.read.quote = '\'';
      break;
    default:
      break;
  }
  c.tuning.allow_avx2 = (a & 0x40) != 0;
  c.tuning.block_bytes = 16 + (b & 15) * 8;
  c.tuning.max_row_bytes = 4096;
  c.split_size = 1 + ((b >> 4) & 7) * 13;
  c.batch_rows = 1 + (b >> 7) * 64;
  c.read.infer_rows = 1 + (a >> 7) * 100;
  return c;
}

// Rows after the header as the quoting rule and outcore's blank-line rule see them, counted
// byte by byte with the rule written out again: a quote opens a quoted field only at a field's
// start (or right after a closing quote: a doubled quote); inside, the escape character takes
// the next byte; rows end at '\n' outside quotes; an empty row (or a lone '\r') is skipped.
int64_t ReferenceRowCount(std::string_view text, const ReadOptions& read) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const bool quoting = read.quote != '\0';
  const bool escaping = quoting && read.escape != '\0' && read.escape != read.quote;
  int64_t rows = 0;
  bool in_quotes = false, field_start = true;
  size_t row_start = 0;
  auto end_row = [&](size_t end) {
    const size_t length = end - row_start;
    const bool blank = length == 0 || (length == 1 && text[row_start] == '\r');
    if (!blank) ++rows;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (escaping && c == read.escape) {
        ++i;
      } else if (c == read.quote) {
        in_quotes = false;
        field_start = true;  // a quote right after the closing one reopens
      }
      continue;
    }
    if (field_start && quoting && c == read.quote) {
      in_quotes = true;
      continue;
    }
    field_start = c == read.delimiter || c == '\n';
    if (c == '\n') {
      end_row(i);
      row_start = i + 1;
    }
  }
  if (row_start < text.size()) end_row(text.size());
  return read.header && rows > 0 ? rows - 1 : rows;
}

// The text of the file: its bytes, or a gzip or zstd file's decompressed bytes (false when
// those are too many to hold: a small input can decompress to gigabytes).
bool PlainText(const std::string& path, std::string_view bytes, std::string* text) {
  InputFile file(path, InputFile::Decompress::kAuto);
  if (!file.is_stream()) {
    text->assign(bytes);
    return true;
  }
  constexpr int64_t kMaxText = int64_t{256} << 20;
  std::string chunk(1 << 20, '\0');
  for (int64_t n; (n = file.Read(static_cast<int64_t>(text->size()), static_cast<int64_t>(chunk.size()),
                                 chunk.data())) > 0;) {
    text->append(chunk.data(), n);
    if (static_cast<int64_t>(text->size()) > kMaxText) return false;
  }
  return true;
}

}  // namespace

void FuzzOne(const uint8_t* data, size_t size) {
  if (size < 2) return;
  const Config config = Decode(data[0], data[1]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  static ScratchFile file(".csv");
  const std::string& path = file.Write(text);
  // At most ~64 splits: tiny splits test row alignment; thousands of them only cost time.
  const int64_t split_size = std::max<int64_t>(config.split_size, static_cast<int64_t>(text.size()) / 64);

  std::unique_ptr<Source> source;
  Schema schema;
  ReadOptions read = config.read;
  // The layout and inference may fail (empty file, duplicate names, bad header): typed errors.
  if (!RunExpectingOnlyErrors([&] {
        source = csv::MakeCsvSource(read, config.tuning);
        schema = source->InspectSchema(path);
      }))
    return;
  if (config.declare != 0) {
    static const DataType kTypes[] = {DataType::kString, DataType::kF64, DataType::kI64,
                                      DataType::kBool, DataType::kCategory, DataType::kTimestamp};
    for (int i = 0; i < schema.size(); ++i) {
      const std::string& name = schema.field(i).name;
      const DataType type = config.declare == 1 ? DataType::kString : kTypes[(i + data[1]) % 6];
      if (type == DataType::kTimestamp)
        read.parse_dates.push_back(name);
      else
        read.dtypes[name] = type;
    }
    if (!RunExpectingOnlyErrors([&] {
          source = csv::MakeCsvSource(read, config.tuning);
          schema = source->InspectSchema(path);
        }))
      return;
  }

  ScanOptions scan;
  scan.batch_rows = config.batch_rows;
  scan.on_bad_rows = BadRowPolicy::kSkip;
  Rows serial, split;
  std::string serial_error, split_error;
  const bool serial_ok = RunExpectingOnlyErrors(
      [&] { serial = ReadAllSplits(*source, source->Plan({path}, 0), scan); }, &serial_error);
  const bool split_ok = RunExpectingOnlyErrors(
      [&] { split = ReadAllSplits(*source, source->Plan({path}, split_size), scan); },
      &split_error);
  FUZZ_CHECK(serial_ok == split_ok, "serial: '" + serial_error + "' split: '" + split_error + "'");
  if (!serial_ok) return;  // e.g. a row over the size cap, which cannot be skipped

  FUZZ_CHECK(serial.rows == split.rows, "split reading differs from serial reading");
  FUZZ_CHECK(serial.stats.rows_rejected == split.stats.rows_rejected, "rejected counts differ");
  // A gzip or zstd file is counted on its text (which the serial read decompressed whole).
  std::string plain;
  const bool counted = PlainText(path, text, &plain);
  const int64_t expected = counted ? ReferenceRowCount(plain, read) : 0;
  FUZZ_CHECK(!counted || serial.stats.rows_read + serial.stats.rows_rejected == expected,
             "rows in " + std::to_string(expected) + " != read " + std::to_string(serial.stats.rows_read) +
                 " + rejected " + std::to_string(serial.stats.rows_rejected));

  scan.on_bad_rows = BadRowPolicy::kReject;
  Rows rejected = ReadAllSplits(*source, source->Plan({path}, split_size), scan);
  FUZZ_CHECK(rejected.rows == serial.rows, "reject mode reads other rows than skip mode");
  FUZZ_CHECK(static_cast<int64_t>(rejected.stats.rejects.size()) == serial.stats.rows_rejected,
             "one reject record per skipped row");
  int64_t previous_line = 0;
  for (const RejectedRow& r : rejected.stats.rejects) {
    FUZZ_CHECK(r.path == path && !r.reason.empty(), "reject record names file and reason");
    FUZZ_CHECK(r.line > previous_line, "reject lines increase");
    previous_line = r.line;
  }

  scan.on_bad_rows = BadRowPolicy::kStop;
  std::string stop_error;
  Rows stopped;
  const bool stop_ok = RunExpectingOnlyErrors(
      [&] { stopped = ReadAllSplits(*source, source->Plan({path}, split_size), scan); },
      &stop_error);
  FUZZ_CHECK(stop_ok == (serial.stats.rows_rejected == 0), "stop mode: '" + stop_error + "'");
  if (stop_ok)
    FUZZ_CHECK(stopped.rows == serial.rows, "stop mode reads other rows");
  else
    FUZZ_CHECK(stop_error.rfind(path + ":", 0) == 0, "error does not name the file: " + stop_error);
}

}  // namespace outcore::fuzz
