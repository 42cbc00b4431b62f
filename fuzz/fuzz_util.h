#pragma once
// Shared by the fuzz targets: a scratch file for readers that take paths, and the invariants
// every batch must hold.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <memory>
#include <vector>

#include "outcore/column.h"
#include "outcore/error.h"
#include "outcore/source.h"
#include "outcore/model.h"

namespace outcore::fuzz {

// Each target defines FuzzOne; its LLVMFuzzerTestOneInput is fuzz/entry.cc.
void FuzzOne(const uint8_t* data, size_t size);

// Stops the process with a message: libFuzzer reports it as a crash with the input saved.
[[noreturn]] inline void Violation(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, what)                                          \
  do {                                                                  \
    if (!(cond)) ::outcore::fuzz::Violation(std::string(#cond) + ": " + (what)); \
  } while (0)

// A file per process in a RAM-backed directory, rewritten for each input.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& suffix) {
    const char* dir = std::getenv("OUTCORE_FUZZ_TMP");
    if (!dir) dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    path_ = std::string(dir) + "/outcore-fuzz-" + std::to_string(getpid()) + suffix;
  }
  ~ScratchFile() { unlink(path_.c_str()); }
  const std::string& Write(std::string_view bytes) {
    FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0)
      Violation("cannot write scratch file " + path_);
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every column has the batch's length and type-consistent buffers; null counts agree.
inline void CheckBatch(const Batch& batch) {
  FUZZ_CHECK(batch.num_rows >= 0, "negative row count");
  FUZZ_CHECK(static_cast<int>(batch.columns.size()) == batch.schema.size(), "schema/columns");
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    const Column& col = *batch.columns[c];
    const std::string name = batch.schema.field(static_cast<int>(c)).name;
    FUZZ_CHECK(col.length == batch.num_rows, "column '" + name + "' length");
    FUZZ_CHECK(col.type == batch.schema.field(static_cast<int>(c)).type, "column '" + name + "' type");
    FUZZ_CHECK(col.valid.empty() || static_cast<int64_t>(col.valid.size()) == col.length,
               "column '" + name + "' validity length");
    int64_t nulls = 0;
    for (int64_t i = 0; i < col.length; ++i) nulls += col.IsNull(i);
    FUZZ_CHECK(nulls == col.null_count, "column '" + name + "' null count");
    const size_t n = static_cast<size_t>(col.length);
    switch (col.type) {
      case DataType::kF64:
        // NaN is read as missing and an infinity is a bad value: a float that is present is
        // finite, whatever the source.
        FUZZ_CHECK(col.f64.size() == n, name);
        for (size_t i = 0; i < n; ++i)
          FUZZ_CHECK(col.IsNull(static_cast<int64_t>(i)) || std::isfinite(col.f64[i]),
                     "float column '" + name + "' holds " + std::to_string(col.f64[i]));
        break;
      case DataType::kI64:
      case DataType::kTimestamp: FUZZ_CHECK(col.i64.size() == n, name); break;
      case DataType::kBool:
        FUZZ_CHECK(col.u8.size() == n, name);
        for (uint8_t v : col.u8) FUZZ_CHECK(v <= 1, "bool column '" + name + "' holds " + std::to_string(v));
        break;
      case DataType::kString:
        FUZZ_CHECK(col.offsets.size() == n + 1, name);
        FUZZ_CHECK(col.offsets[0] >= 0, name);
        for (size_t i = 0; i < n; ++i) FUZZ_CHECK(col.offsets[i] <= col.offsets[i + 1], name);
        FUZZ_CHECK(col.offsets[n] <= static_cast<int64_t>(col.chars.size()), name);
        break;
      case DataType::kCategory:
        FUZZ_CHECK(col.codes.size() == n && col.dict, name);
        for (size_t i = 0; i < n; ++i)
          if (!col.IsNull(static_cast<int64_t>(i)))
            FUZZ_CHECK(col.codes[i] >= 0 && col.codes[i] < static_cast<int32_t>(col.dict->size()),
                       "category code out of range in '" + name + "'");
        break;
    }
  }
}

// Outcore reports bad input as outcore::Error; anything else escaping a reader is a bug.
template <typename Fn>
bool RunExpectingOnlyErrors(Fn&& fn, std::string* message = nullptr) {
  try {
    fn();
    return true;
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() != ErrorCode::kInternal, std::string("internal error: ") + e.what());
    FUZZ_CHECK(std::string_view(e.what()).size() > 0, "empty error message");
    if (message) *message = e.what();
    return false;
  }
}

// All rows of some splits, rendered as text (nulls as "\x01null"), with their stats summed.
struct Rows {
  std::vector<std::vector<std::string>> rows;
  ReadStats stats;
};

// Reads the splits in order, checking every batch.
inline Rows ReadAllSplits(Source& source, const std::vector<Split>& splits, const ScanOptions& scan) {
  Rows out;
  for (const Split& split : splits) {
    std::unique_ptr<SplitReader> reader = source.Open(split, scan);
    Batch batch;
    while (reader->Next(&batch)) {
      CheckBatch(batch);
      FUZZ_CHECK(batch.num_rows > 0 && batch.num_rows <= scan.batch_rows, "batch size");
      for (int64_t r = 0; r < batch.num_rows; ++r) {
        std::vector<std::string> row;
        for (const ColumnPtr& c : batch.columns)
          row.push_back(c->IsNull(r) ? "\x01null" : c->ToString(r));
        out.rows.push_back(std::move(row));
      }
    }
    const ReadStats& s = reader->stats();
    out.stats.rows_read += s.rows_read;
    out.stats.rows_rejected += s.rows_rejected;
    out.stats.rejects.insert(out.stats.rejects.end(), s.rejects.begin(), s.rejects.end());
  }
  FUZZ_CHECK(out.stats.rows_read == static_cast<int64_t>(out.rows.size()), "rows_read vs batches");
  return out;
}

// What outcore saves, it can load again.
inline void CheckSavedModelLoads(const Model& model) {
  const Json saved = ModelToJson(model);
  std::string error;
  FUZZ_CHECK(RunExpectingOnlyErrors([&] { ModelFromJson(saved); }, &error),
             "a model does not load after saving: " + error);
}

}  // namespace outcore::fuzz
