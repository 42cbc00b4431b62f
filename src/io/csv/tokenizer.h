#pragma once
// The CSV tokenizer: finds the rows in a buffer of CSV text and the byte spans of the fields
// a reader wants, skipping the others at the speed of the structural scan.
#include <cstdint>
#include <memory>
#include <vector>

#include "io/csv/dialect.h"
#include "io/csv/scan.h"

// GCC on x86-64 builds a second separator index for AVX2 (tokenizer_avx2.cc, chosen at run
// time); elsewhere only the baseline one exists.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define OUTCORE_CSV_AVX2_INDEX 1
#endif

namespace outcore::csv {

/// Byte range [begin, end) of one field in the buffer, quotes included.
struct Span {
  uint32_t begin;
  uint32_t end;
};

/// A row with the wrong number of fields.
struct RaggedRow {
  uint32_t start;  // buffer position
  int64_t fields;
};

class Tokenizer {
 public:
  /// Rows have `num_fields` fields; `wanted_fields` lists the fields whose spans to record
  /// (span array i is for wanted_fields[i]). At most `max_rows` rows per Scan.
  /// `allow_avx2` = false forces the baseline scanner (for tests).
  Tokenizer(const Dialect& dialect, int num_fields, std::vector<int> wanted_fields, int max_rows,
            bool allow_avx2 = true);

  struct Result {
    int rows = 0;            // complete rows with the right field count
    uint32_t next = 0;       // buffer position of the first row not consumed
    bool need_data = false;  // no complete row is left in [next, length)
  };

  /// Tokenizes up to `max_rows` complete rows of buf[begin, length), `begin` being a row
  /// start. buf must be readable up to length + 63. Blank lines are skipped. Rows with the
  /// wrong field count are appended to `ragged` and not counted; with `stop_at_ragged` the
  /// scan ends at the first one (`next` is its start).
  Result Scan(const char* buf, uint32_t begin, uint32_t length, int max_rows, bool stop_at_ragged,
              std::vector<RaggedRow>* ragged);

  /// Spans of wanted field i for the rows of the last Scan.
  const Span* spans(int i) const { return spans_[i].get(); }
  /// Buffer position where each row of the last Scan starts.
  const uint32_t* row_starts() const { return row_starts_.get(); }

 private:
  bool IndexSeparators(const char* buf, uint32_t begin, uint32_t length, int max_newlines);
  Result ScanOverlongRow(const char* buf, uint32_t begin, uint32_t length, bool stop_at_ragged,
                         std::vector<RaggedRow>* ragged);

  const Dialect dialect_;
  const ByteClassifier classifier_;
  const bool use_avx2_;  // the CPU has AVX2, BMI and POPCNT: use tokenizer_avx2.cc
  const int num_fields_;
  const std::vector<int> wanted_fields_;
  int last_field_slot_ = -1;  // which span array holds the last field, if wanted
  const int max_rows_;

  // Positions of the separators (delimiters and line ends outside quoted fields) of the text being
  // scanned; separators_[0] is a virtual one just before it.
  std::unique_ptr<uint32_t[]> separators_;
  uint32_t separator_capacity_;
  uint32_t num_separators_ = 0;
  std::vector<uint32_t> newlines_;  // indices into separators_ of the line ends

  std::vector<std::unique_ptr<Span[]>> spans_;
  std::unique_ptr<uint32_t[]> row_starts_;
};

}  // namespace outcore::csv
