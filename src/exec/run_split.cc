// run_split: the unit of work. Reads one split, scores it, writes its part under a temporary
// name. The local executor and remote (Dask) workers both call it.
#include <chrono>
#include <cmath>

#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/predict.h"

namespace outcore {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }


// The output column: P(positive) or the value; with `label`, the class (bool for a
// comparison target, text for a column's own values).
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

DataType OutputType(const Model& model, const OutputSpec& output) {
  if (!output.label || !model.pipeline.estimator->is_classifier()) return DataType::kF64;
  return model.target.op.empty() ? DataType::kString : DataType::kBool;
}

}  // namespace

SplitResult RunSplit(const Model& model, const Split& split, const OutputSpec& output,
                     int64_t attempt, SplitProgress* progress) {
  SplitResult r;
  r.ordinal = split.ordinal;

  // Read the model's input columns (as typed at fit) plus the columns to keep.
  ScanOptions scan;
  scan.columns = model.input_schema;
  for (const auto& f : output.keep.fields())
    if (scan.columns.IndexOf(f.name) < 0) scan.columns.Add(f);
  scan.on_bad_rows = output.on_bad_rows;
  scan.batch_rows = output.batch_rows;
  std::unique_ptr<Source> source = MakeSource(split.format, model.read);
  std::unique_ptr<SplitReader> reader = source->Open(split, scan);

  Schema out_schema;
  out_schema.Add({"yhat", OutputType(model, output)});
  for (const auto& f : output.keep.fields()) out_schema.Add(f);
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
      for (const auto& f : model.input_schema.fields()) input.Add(f.name, batch.Get(f.name));
      Features x;
      try {
        x = model.pipeline.ToFeatures(model.pipeline.Transform(input, &r.drift));
      } catch (const UnknownValueError& e) {
        Fail(e.code(), split.RowPlace(reader->stats().rows_read - batch.num_rows + e.row) + ": " + e.what());
      }
      r.transform_s += Since(t);

      t = Clock::now();
      std::vector<double> p(x.rows);
      model.pipeline.estimator->Predict(x, p.data());
      for (double v : p) r.rows_missing_features += std::isnan(v);
      r.score_s += Since(t);

      t = Clock::now();
      Batch out;
      out.num_rows = batch.num_rows;
      out.Add("yhat", MakeOutput(model, output, p));
      for (const auto& f : output.keep.fields()) out.Add(f.name, batch.Get(f.name));
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
