// run_split: the unit of work. Reads one split, scores it, writes its part under a temporary
// name. The local executor and remote (Dask) workers both call it.
#include <chrono>
#include <cmath>

#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/metrics.h"
#include "outcore/predict.h"

namespace outcore {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }


// The output of a binary classifier or a regressor: P(positive) or the value; with `label`,
// the class (bool for a comparison target, text for a column's own values).
ColumnPtr MakeOutput(const Model& model, const OutputSpec& output, const std::vector<double>& p) {
  bool classifier = model.pipeline.estimator->is_classifier();
  int64_t n = static_cast<int64_t>(p.size());
  if (!output.label || !classifier) {
    auto c = std::make_shared<Column>(DataType::kF64);
    c->length = n;
    c->f64 = p;
    for (int64_t i = 0; i < n; ++i)
      if (std::isnan(p[i])) c->SetNull(i);
    return c;
  }
  bool as_bool = !model.target.op.empty();
  auto c = std::make_shared<Column>(as_bool ? DataType::kBool : DataType::kString);
  c->length = n;
  if (!as_bool) c->offsets.push_back(0);
  for (int64_t i = 0; i < n; ++i) {
    bool positive = p[i] > 0.5;  // scikit-learn: decision function > 0
    if (as_bool) {
      c->u8.push_back(positive);
    } else {
      c->chars += model.target.classes[positive ? 1 : 0];
      c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
    }
    if (std::isnan(p[i])) c->SetNull(i);
  }
  return c;
}

bool Multiclass(const Model& model) { return model.pipeline.estimator->n_outputs() > 1; }

// The output columns: yhat, then with more than two classes p_<class> per class.
Schema OutputSchema(const Model& model, const OutputSpec& output) {
  Schema schema;
  const bool classifier = model.pipeline.estimator->is_classifier();
  if (Multiclass(model)) {
    schema.Add({"yhat", DataType::kString});
    for (const auto& c : model.target.classes) schema.Add({"p_" + c, DataType::kF64});
  } else if (!output.label || !classifier) {
    schema.Add({"yhat", DataType::kF64});
  } else {
    schema.Add({"yhat", model.target.op.empty() ? DataType::kString : DataType::kBool});
  }
  for (const auto& f : output.keep.fields()) {
    if (schema.IndexOf(f.name) >= 0)
      Fail(ErrorCode::kUsage, "--keep " + f.name + ": the output already has a column '" + f.name +
                                  "' (the model's prediction)");
    schema.Add(f);
  }
  return schema;
}

// Adds the predictions of `rows` rows to `out`: see OutputSchema.
void AddOutputs(const Model& model, const OutputSpec& output, const std::vector<double>& p,
                int64_t rows, Batch* out) {
  if (!Multiclass(model)) return out->Add("yhat", MakeOutput(model, output, p));
  const auto& classes = model.target.classes;
  const int64_t k = static_cast<int64_t>(classes.size());
  auto yhat = std::make_shared<Column>(DataType::kString);
  yhat->length = rows;
  yhat->offsets.push_back(0);
  std::vector<std::shared_ptr<Column>> probs;
  for (int64_t c = 0; c < k; ++c) {
    probs.push_back(std::make_shared<Column>(DataType::kF64));
    probs.back()->length = rows;
    probs.back()->f64.resize(rows);
  }
  for (int64_t i = 0; i < rows; ++i) {
    const double* row = p.data() + i * k;
    const bool missing = std::isnan(row[0]);
    if (!missing) yhat->chars += classes[MostProbable(row, k)];
    yhat->offsets.push_back(static_cast<int64_t>(yhat->chars.size()));
    if (missing) yhat->SetNull(i);
    for (int64_t c = 0; c < k; ++c) {
      probs[c]->f64[i] = row[c];
      if (missing) probs[c]->SetNull(i);
    }
  }
  out->Add("yhat", yhat);
  for (int64_t c = 0; c < k; ++c) out->Add("p_" + classes[c], probs[c]);
}

}  // namespace

SplitResult RunSplit(const Model& model, const Split& split, const OutputSpec& output,
                     int64_t attempt, SplitProgress* progress) {
  SplitResult r;
  r.ordinal = split.ordinal;

  // Read the model's input columns (as typed at fit) plus the columns to keep, each under the
  // name the input gives it, with the run's read options.
  ScanOptions scan;
  for (const auto& f : model.input_schema.fields()) scan.columns.Add({InputColumnOf(output, f.name), f.type});
  for (const auto& f : output.keep.fields())
    if (scan.columns.IndexOf(InputColumnOf(output, f.name)) < 0) scan.columns.Add({InputColumnOf(output, f.name), f.type});
  scan.on_bad_rows = output.on_bad_rows;
  scan.batch_rows = output.batch_rows;
  std::unique_ptr<Source> source = MakeSource(split.format, RunReadOptions(model, output));
  std::unique_ptr<SplitReader> reader = source->Open(split, scan);

  const Schema out_schema = OutputSchema(model, output);
  std::unique_ptr<Sink> sink = OpenSink(output);
  std::unique_ptr<PartWriter> writer;
  try {
    writer = sink->OpenPart(&r, attempt, out_schema);  // may fail once its file exists
    Batch batch;
    int64_t bytes_seen = 0;
    for (;;) {
      auto t = Clock::now();
      bool more = reader->Next(&batch);
      r.parse_s += Since(t);
      if (!more) break;
      if (progress && progress->cancel.load(std::memory_order_relaxed))
        Fail(ErrorCode::kIO, "interrupted");

      t = Clock::now();
      Batch input;
      input.num_rows = batch.num_rows;
      for (const auto& f : model.input_schema.fields()) input.Add(f.name, batch.Get(InputColumnOf(output, f.name)));
      Features x;
      try {
        x = model.pipeline.ToFeatures(model.pipeline.Transform(input, &r.drift));
      } catch (const UnknownValueError& e) {
        Fail(e.code(), split.RowPlace(reader->stats().rows_read - batch.num_rows + e.row) + ": " + e.what());
      }
      r.transform_s += Since(t);

      t = Clock::now();
      const int64_t outputs = model.pipeline.estimator->n_outputs();
      std::vector<double> p(x.rows * outputs);
      model.pipeline.estimator->Predict(x, p.data());
      for (int64_t i = 0; i < x.rows; ++i) r.rows_missing_features += std::isnan(p[i * outputs]);
      r.score_s += Since(t);

      t = Clock::now();
      Batch out;
      out.num_rows = batch.num_rows;
      AddOutputs(model, output, p, batch.num_rows, &out);
      for (const auto& f : output.keep.fields()) out.Add(f.name, batch.Get(InputColumnOf(output, f.name)));
      writer->Write(out);
      r.write_s += Since(t);

      r.rows_out += batch.num_rows;
      if (progress) {
        int64_t bytes = reader->stats().bytes_read;
        progress->bytes += bytes - bytes_seen;
        progress->rows += batch.num_rows;
        bytes_seen = bytes;
      }
    }
    auto t = Clock::now();
    int64_t written = writer->Finish();
    r.write_s += Since(t);
    if (written != r.rows_out)
      Fail(ErrorCode::kInternal, r.temp_path + ": wrote " + std::to_string(written) + " rows of " +
                                     std::to_string(r.rows_out));
    if (progress) progress->bytes += reader->stats().bytes_read - bytes_seen;
  } catch (...) {
    writer.reset();
    sink->Abort(r);
    throw;
  }
  const ReadStats& stats = reader->stats();
  r.rows_rejected = stats.rows_rejected;
  r.rows_in = stats.rows_read + stats.rows_rejected;
  r.bytes_in = stats.bytes_read;
  r.rejects = stats.rejects;
  return r;
}

}  // namespace outcore
