#pragma once
// Builders for small batches in tests, and checks shared by the GoogleTest files.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/error.h"
#include "outcore/pipeline.h"

namespace outcore::testing {

inline ColumnPtr F64(std::vector<double> v) {
  auto c = std::make_shared<Column>(DataType::kF64);
  c->length = static_cast<int64_t>(v.size());
  c->f64 = v;
  for (size_t i = 0; i < v.size(); ++i)
    if (std::isnan(v[i])) c->SetNull(static_cast<int64_t>(i));
  return c;
}

inline ColumnPtr I64(std::vector<int64_t> v, DataType type = DataType::kI64) {
  auto c = std::make_shared<Column>(type);
  c->length = static_cast<int64_t>(v.size());
  c->i64 = v;
  return c;
}

// A string column; "<null>" marks a missing value.
inline ColumnPtr Str(const std::vector<std::string>& v) {
  auto c = std::make_shared<Column>(DataType::kString);
  c->length = static_cast<int64_t>(v.size());
  c->offsets.push_back(0);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != "<null>") c->chars += v[i];
    c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
  }
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] == "<null>") c->SetNull(static_cast<int64_t>(i));
  return c;
}

// A category column with a dictionary in order of first appearance (as the CSV reader makes).
inline ColumnPtr Cat(const std::vector<std::string>& v) {
  auto c = std::make_shared<Column>(DataType::kCategory);
  auto dict = std::make_shared<Dictionary>();
  c->length = static_cast<int64_t>(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == "<null>") {
      c->codes.push_back(0);
      continue;
    }
    size_t k = 0;
    while (k < dict->size() && (*dict)[k] != v[i]) ++k;
    if (k == dict->size()) dict->push_back(v[i]);
    c->codes.push_back(static_cast<int32_t>(k));
  }
  c->dict = dict;
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] == "<null>") c->SetNull(static_cast<int64_t>(i));
  return c;
}

inline Batch MakeBatch(std::vector<std::pair<std::string, ColumnPtr>> cols) {
  Batch b;
  b.num_rows = cols.empty() ? 0 : cols[0].second->length;
  for (auto& [name, col] : cols) b.Add(name, col);
  return b;
}

// "YYYY-MM-DD HH:MM:SS" → microseconds since 1970 (UTC), via timegm.
int64_t Micros(const std::string& text);

// A step of `kind` fitted on `batches` as fit does it: Reset, PartialFit each, FinishFit.
inline std::unique_ptr<Step> Fitted(const std::string& kind, const Json& params, const std::vector<Batch>& batches) {
  auto step = MakeStep(kind, params);
  step->Reset();
  for (const auto& b : batches) step->PartialFit(b);
  step->FinishFit();
  return step;
}

inline std::vector<std::string> Names(const Batch& b) {
  std::vector<std::string> out;
  for (const auto& f : b.schema.fields()) out.push_back(f.name);
  return out;
}

// A scratch directory removed at the end of the test; Write puts a file in it.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            (prefix + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string path = Path(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Expects `fn` to throw an outcore::Error with `code` whose message contains `text`.
template <typename Fn>
void ExpectError(Fn fn, ErrorCode code, const std::string& text) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

}  // namespace outcore::testing
