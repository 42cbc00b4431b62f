// Fuzzes the model-file loader. Any input must either load or fail with a model error
// before any large allocation. A model that loads must also run: the pipeline scores a small
// batch of awkward values (missing, NaN, huge, unseen categories) built from its input schema,
// giving n_outputs predictions per row (a classifier's: probabilities in [0, 1], each row of k
// summing to 1, or missing), and saving it again gives a loadable file.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "outcore/model.h"

namespace outcore::fuzz {
namespace {

constexpr int64_t kRows = 5;

ColumnPtr AwkwardColumn(DataType type) {
  auto c = std::make_shared<Column>(type);
  c->length = kRows;
  static const double kDoubles[] = {0.0, -1.5, 1e308, std::nan(""), 42};
  static const char* kStrings[] = {"cash", "", "CASH ", "\xff\xfe", "credit"};
  for (int64_t i = 0; i < kRows; ++i) {
    switch (type) {
      case DataType::kF64: c->f64.push_back(kDoubles[i]); break;
      case DataType::kI64: c->i64.push_back(i == 2 ? INT64_MIN : i * 7); break;
      case DataType::kTimestamp: c->i64.push_back(i == 2 ? INT64_MIN : i == 4 ? INT64_MAX : i * 3600000000LL); break;
      case DataType::kBool: c->u8.push_back(i & 1); break;
      case DataType::kString:
        if (c->offsets.empty()) c->offsets.push_back(0);
        c->chars += kStrings[i];
        c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
        break;
      case DataType::kCategory:
        if (!c->dict) c->dict = std::make_shared<Dictionary>(Dictionary{"cash", "CRD", "x"});
        c->codes.push_back(static_cast<int32_t>(i % 3));
        break;
    }
  }
  c->SetNull(3);
  return c;
}

}  // namespace

void FuzzOne(const uint8_t* data, size_t size) {
  static ScratchFile file(".json");
  const std::string& path = file.Write(std::string_view(reinterpret_cast<const char*>(data), size));
  Model model;
  std::string error;
  if (!RunExpectingOnlyErrors([&] { model = LoadModel(path, 1 << 20); }, &error)) {
    FUZZ_CHECK(error.rfind(path + ":", 0) == 0, "error does not name the file: " + error);
    return;
  }
  Batch batch;
  batch.num_rows = kRows;
  for (const Field& f : model.input_schema.fields()) batch.Add(f.name, AwkwardColumn(f.type));
  std::vector<double> predictions;
  if (RunExpectingOnlyErrors([&] {
        TransformStats stats;
        predictions = model.pipeline.Predict(batch, &stats);
      })) {
    const int64_t k = model.pipeline.estimator->n_outputs();
    FUZZ_CHECK(static_cast<int64_t>(predictions.size()) == kRows * k, "n_outputs predictions per row");
    // A classifier's are probabilities (or missing): each in [0, 1], a row of k summing to 1.
    if (model.pipeline.estimator->is_classifier()) {
      for (int64_t i = 0; i < kRows; ++i) {
        double sum = 0;
        bool missing = false;
        for (int64_t c = 0; c < k; ++c) {
          const double p = predictions[i * k + c];
          missing |= std::isnan(p);
          FUZZ_CHECK(std::isnan(p) || (p >= 0 && p <= 1), "a probability outside [0, 1]");
          sum += p;
        }
        FUZZ_CHECK(k == 1 || missing || std::abs(sum - 1) < 1e-9, "a row's probabilities do not sum to 1");
      }
    }
  }

  CheckSavedModelLoads(model);
}

}  // namespace outcore::fuzz
