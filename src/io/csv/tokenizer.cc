// Tokenizing in two passes keeps unwanted fields almost free: the first pass lists the
// position of every separator (branch-free, 8 at a time), the second walks rows by line end
// and reads only the wanted fields' bounds. A row is well formed exactly when its line end
// is its num_fields-th separator, so validating a row costs one comparison.
#include "io/csv/tokenizer.h"

#include <algorithm>

#include "io/csv/index_impl.h"

namespace outcore::csv {

namespace {

// The separator index on baseline x86-64 (SSE2) and other targets.
class BaselineOps {
 public:
  explicit BaselineOps(const ByteClassifier& classifier) : classifier_(classifier) {}
  ByteMasks Classify(const char* p) const { return classifier_.Classify(p); }

  static int Popcount(uint64_t x) {
#if defined(__POPCNT__)
    return __builtin_popcountll(x);
#else
    // Baseline x86-64 has no popcnt instruction; the builtin would be a library call.
    x = x - ((x >> 1) & 0x5555555555555555);
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0f;
    return static_cast<int>((x * 0x0101010101010101) >> 56);
#endif
  }
  // Index of the lowest set bit; the top bit keeps it defined (63) when x is 0.
  static int LowestBit(uint64_t x) { return __builtin_ctzll(x | (uint64_t{1} << 63)); }

 private:
  const ByteClassifier& classifier_;
};

bool CpuHasAvx2() {
#if defined(OUTCORE_CSV_AVX2_INDEX)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#else
  return false;
#endif
}

// A line with nothing on it (or only the CR of a CRLF) is not a row.
inline bool IsBlank(const char* buf, uint32_t row_start, uint32_t line_end) {
  return line_end == row_start || (line_end == row_start + 1 && buf[row_start] == '\r');
}

}  // namespace

Tokenizer::Tokenizer(const Dialect& dialect, int num_fields, std::vector<int> wanted_fields,
                     int max_rows, bool allow_avx2)
    : dialect_(dialect),
      classifier_(dialect.delimiter, dialect.quote, dialect.escape),
      use_avx2_(allow_avx2 && CpuHasAvx2()),
      num_fields_(num_fields),
      wanted_fields_(std::move(wanted_fields)),
      max_rows_(std::max(max_rows, 1)) {
  for (size_t i = 0; i < wanted_fields_.size(); ++i) {
    spans_.push_back(std::make_unique_for_overwrite<Span[]>(max_rows_));
    if (wanted_fields_[i] == num_fields_ - 1) last_field_slot_ = static_cast<int>(i);
  }
  row_starts_ = std::make_unique_for_overwrite<uint32_t[]>(max_rows_);
  // Room for many rows at once; a row with more separators than this has far more than
  // num_fields fields and is handled apart (ScanOverlongRow).
  separator_capacity_ = static_cast<uint32_t>(std::max(1 << 16, 4 * (num_fields_ + 1))) + 128;
  separators_ = std::make_unique_for_overwrite<uint32_t[]>(separator_capacity_);
  newlines_.reserve(max_rows_ + 64);
}

#if defined(OUTCORE_CSV_AVX2_INDEX)
bool IndexSeparatorsAvx2(const Dialect& dialect, const char* buf, uint32_t begin,
                         uint32_t length, size_t max_lines,
                         SeparatorIndex* index);  // tokenizer_avx2.cc
#endif

bool Tokenizer::IndexSeparators(const char* buf, uint32_t begin, uint32_t length,
                                int max_newlines) {
  separators_[0] = begin - 1;  // so that field 0 begins at separators_[0] + 1 like the others
  SeparatorIndex index{separators_.get(), separator_capacity_, 0, &newlines_};
  const size_t max_lines = static_cast<size_t>(max_newlines);
  bool indexed_all;
#if defined(OUTCORE_CSV_AVX2_INDEX)
  if (use_avx2_) {
    indexed_all = IndexSeparatorsAvx2(dialect_, buf, begin, length, max_lines, &index);
  } else
#endif
  {
    indexed_all = IndexSeparatorsWith(BaselineOps(classifier_), dialect_, buf, begin, length,
                                      max_lines, &index);
  }
  num_separators_ = index.count;
  return indexed_all;
}

Tokenizer::Result Tokenizer::Scan(const char* buf, uint32_t begin, uint32_t length, int max_rows,
                                  bool stop_at_ragged, std::vector<RaggedRow>* ragged) {
  max_rows = std::clamp(max_rows, 1, max_rows_);
  const bool indexed_all = IndexSeparators(buf, begin, length, max_rows);
  if (!indexed_all && newlines_.empty())
    return ScanOverlongRow(buf, begin, length, stop_at_ragged, ragged);

  const uint32_t* const separators = separators_.get();
  const int* const wanted = wanted_fields_.data();
  const int num_wanted = static_cast<int>(wanted_fields_.size());
  const uint32_t num_fields = static_cast<uint32_t>(num_fields_);
  Result result;
  int rows = 0;
  uint32_t first = 1;  // index of the current row's first separator
  size_t line = 0;
  for (; line < newlines_.size() && rows < max_rows; ++line) {
    const uint32_t last = newlines_[line];  // the row's line end
    const uint32_t row_start = separators[first - 1] + 1;
    const uint32_t fields = last - first + 1;
    const bool blank = fields == 1 && IsBlank(buf, row_start, separators[last]);
    if (fields == num_fields && !blank) {
      for (int w = 0; w < num_wanted; ++w) {
        const uint32_t f = first + wanted[w];
        spans_[w][rows] = Span{separators[f - 1] + 1, separators[f]};
      }
      if (last_field_slot_ >= 0) {
        Span& span = spans_[last_field_slot_][rows];
        if (span.end > span.begin && buf[span.end - 1] == '\r') --span.end;
      }
      row_starts_[rows++] = row_start;
    } else if (!blank) {
      ragged->push_back(RaggedRow{row_start, fields});
      if (stop_at_ragged) {
        result.rows = rows;
        result.next = row_start;
        return result;
      }
    }
    first = last + 1;
  }
  result.rows = rows;
  result.next = separators[first - 1] + 1;
  result.need_data = indexed_all && line == newlines_.size();
  return result;
}

// The row at `begin` has more separators than the index holds, so it is ragged: find its
// end by counting, without listing positions.
Tokenizer::Result Tokenizer::ScanOverlongRow(const char* buf, uint32_t begin, uint32_t length,
                                             bool stop_at_ragged, std::vector<RaggedRow>* ragged) {
  Result result;
  int64_t fields = 0;
  QuoteState state = QuoteState::kFieldStart;
  const BaselineOps ops(classifier_);
  for (uint32_t block = begin; block < length; block += 64) {
    const ByteMasks m = ClassifyOutsideQuotes(ops, dialect_, buf, block, length, &state);
    if (m.newline != 0) {
      const int bit = BaselineOps::LowestBit(m.newline);
      fields += BaselineOps::Popcount(m.delimiter & ((uint64_t{1} << bit) - 1)) + 1;
      ragged->push_back(RaggedRow{begin, fields});
      result.next = stop_at_ragged ? begin : block + bit + 1;
      return result;
    }
    fields += BaselineOps::Popcount(m.delimiter);
  }
  result.next = begin;
  result.need_data = true;
  return result;
}

}  // namespace outcore::csv
