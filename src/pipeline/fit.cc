// fit: read → hold out test rows → fit each step, then the estimator → score → model.
#include "outcore/fit.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/batch_ops.h"
#include "core/parallel.h"
#include "core/random.h"
#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/metrics.h"
#include "outcore/postgres.h"
#include "outcore/source.h"

namespace outcore {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string Columns(const Schema& s) {
  std::string out;
  for (const auto& f : s.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// Runs fn(i) for i in [0, n) in the calling thread's task arena.
template <typename Fn>
void ParallelFor(size_t n, Fn fn) {
  tbb::parallel_for(size_t{0}, n, [&](size_t i) { fn(i); });
}

// Transforms every batch through one step, in parallel; counters summed in batch order.
// Values a step was not fitted on are counted, never refused: on_unknown is for predict.
void TransformAll(const Step& step, std::vector<Batch>* batches, TransformStats* stats) {
  std::vector<TransformStats> per(batches->size());
  for (auto& p : per) p.lenient = true;
  ParallelFor(batches->size(),
              [&](size_t i) { (*batches)[i] = step.Transform((*batches)[i], &per[i]); });
  for (const auto& s : per) stats->Merge(s);
}

std::string Count(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) out += (i && (s.size() - i) % 3 == 0 ? "," : "") + s.substr(i, 1);
  return out;
}

std::string Bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1024 && u < 5) bytes /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

}  // namespace

void CheckFeatureMemory(const Step& step, size_t index, const std::vector<Batch>& batches,
                        const Estimator* estimator, int64_t limit) {
  if (batches.empty() || batches.front().num_rows == 0 || limit <= 0) return;
  int64_t rows = 0;
  for (const Batch& b : batches) rows += b.num_rows;
  std::vector<uint8_t> first(batches.front().num_rows, 0);
  first[0] = 1;
  TransformStats lenient;
  lenient.lenient = true;
  const int64_t width = step.Transform(FilterRows(batches.front(), first), &lenient).schema.size();
  const double matrix = static_cast<double>(rows) * static_cast<double>(width) * 8;
  const double fit = estimator ? static_cast<double>(estimator->FitBytes(rows, width)) : 0;
  const double need = 2 * matrix + fit;
  if (need <= static_cast<double>(limit)) return;
  std::string culprit;
  std::pair<std::string, int64_t> widest{"", 0};
  for (const auto& c : step.FeaturesPerColumn())
    if (c.second > widest.second) widest = c;
  std::string advice = "Fit on fewer rows (outcore sample) or columns, or raise --memory-limit.";
  if (widest.second > 1) {
    culprit = "; column '" + widest.first + "' alone makes " + Count(widest.second) + " of them";
    advice = "Lower the step's max_categories, leave the column out, or raise --memory-limit.";
  }
  Fail(ErrorCode::kInvalidInput,
       "fit: step " + std::to_string(index) + " (" + step.kind() + ") makes " + Count(width) +
           " features of " + Count(rows) + " training rows" + culprit + ". They would need about " +
           Bytes(need) + " (" + Count(rows) + " rows x " + Count(width) + " features x 8 bytes, twice while " +
           "the matrix is built" + (estimator ? ", plus " + Bytes(fit) + " for " + estimator->kind() : "") +
           "), over the memory limit of " + Bytes(static_cast<double>(limit)) + " (--memory-limit). " +
           advice);
}

namespace {

// Concatenates the features of transformed batches into one column-major matrix.
Features StackFeatures(const Pipeline& p, const std::vector<Batch>& batches) {
  Features x;
  x.names = p.feature_names;
  std::vector<int64_t> offset(batches.size() + 1, 0);
  for (size_t b = 0; b < batches.size(); ++b) offset[b + 1] = offset[b] + batches[b].num_rows;
  x.rows = offset.back();
  x.values.resize(static_cast<size_t>(x.rows) * x.names.size());
  ParallelFor(batches.size(), [&](size_t b) {
    Features part = p.ToFeatures(batches[b]);
    for (size_t j = 0; j < x.names.size(); ++j)
      std::copy(part.col(j), part.col(j) + part.rows, x.col(j) + offset[b]);
  });
  return x;
}

// XXH3 of the labelled rows a fit uses, in read order: per row its label, then each input
// column's value as typed (a tag byte first: null or not; strings with their length). A table
// has no file to hash; this names its data whatever its pages, splits or batch sizes.
std::string HashRows(const std::vector<Batch>& batches, const std::vector<double>& labels) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), XXH3_freeState);
  XXH3_64bits_reset(state.get());
  std::string row;
  auto put = [&row](const void* p, size_t n) { row.append(static_cast<const char*>(p), n); };
  size_t label = 0;
  for (const Batch& b : batches) {
    for (int64_t i = 0; i < b.num_rows; ++i) {
      row.clear();
      put(&labels[label++], sizeof(double));
      for (const auto& column : b.columns) {
        const Column& c = *column;
        uint8_t present = !c.IsNull(i);
        put(&present, 1);
        if (!present) continue;
        if (c.type == DataType::kF64) put(&c.f64[i], 8);
        else if (c.type == DataType::kI64 || c.type == DataType::kTimestamp) put(&c.i64[i], 8);
        else if (c.type == DataType::kBool) put(&c.u8[i], 1);
        else {
          std::string_view text = c.type == DataType::kString ? c.Str(i) : c.Category(i);
          uint64_t size = text.size();
          put(&size, 8);
          put(text.data(), text.size());
        }
      }
      XXH3_64bits_update(state.get(), row.data(), row.size());
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(XXH3_64bits_digest(state.get())));
  return hex;
}

// The training record's sources and fingerprint. Files: path, size and content hash each,
// fingerprint "xxh3:" over those hashes. Tables (postgresql:// inputs; a fit reads one kind):
// the URI without its password, fingerprint "xxh3-rows:" over the labelled rows read. Rows
// that were not read (data.origin given): no sources, no fingerprint.
Json Sources(const TrainingData& data, std::string* fingerprint) {
  const std::vector<std::string>& inputs = data.files;
  Json sources = Json::array();
  if (!data.origin.empty()) {
    fingerprint->clear();
    return sources;
  }
  if (!inputs.empty() && IsPostgresUri(inputs[0])) {
    for (const auto& in : inputs) sources.push_back({{"path", RedactPostgresUri(in)}});
    *fingerprint = "xxh3-rows:" + HashRows(data.batches, data.labels);
    return sources;
  }
  std::vector<std::string> hashes(inputs.size());
  ParallelFor(inputs.size(), [&](size_t i) { hashes[i] = HashFileHex(inputs[i]); });
  std::string all;
  for (size_t i = 0; i < inputs.size(); ++i) {
    sources.push_back({{"path", inputs[i]}, {"bytes", FileSize(inputs[i])}, {"xxh3", hashes[i]}});
    all += hashes[i];
  }
  *fingerprint = "xxh3:" + HashHex(all);
  return sources;
}

void CheckTestSize(double test_size) {
  if (!(test_size >= 0 && test_size < 1))
    Fail(ErrorCode::kUsage, "--test-size must be in [0, 1), got " + std::to_string(test_size));
}

}  // namespace

Json FitReport::ToJson() const {
  return {{"files", files},
          {"bytes", bytes},
          {"rows",
           {{"read", rows_read},
            {"rejected", rows_rejected},
            {"missing_target", rows_missing_target},
            {"train", rows_train},
            {"test", rows_test}}},
          {"train", train_metrics},
          {"test", test_metrics},
          {"fit", fit_info},
          {"drift", drift.counters},
          {"seconds",
           {{"read", seconds_read},
            {"fit", seconds_fit},
            {"score", seconds_score},
            {"total", seconds_total}}}};
}

namespace {

// The model's target field and input schema, from the columns the rows have: the first
// `select` step's columns, else every column but the target. `where` ("PATH: ", or "") and
// `place` ("header", "data") say where the columns were looked for.
void ChooseColumns(const PipelineSpec& spec, const Schema& schema, const std::string& where,
                   const std::string& place, Model* model) {
  const std::string& target_col = model->target.column;
  int target_index = schema.IndexOf(target_col);
  if (target_index < 0)
    Fail(ErrorCode::kSchema, where + "target column '" + target_col + "' is not in the " + place +
                                 " (columns: " + Columns(schema) + ")");
  model->target_field = schema.field(target_index);
  std::vector<std::string> wanted = spec.InputColumns();
  if (wanted.empty())
    for (const auto& f : schema.fields())
      if (f.name != target_col) wanted.push_back(f.name);
  for (const auto& name : wanted) {
    int i = schema.IndexOf(name);
    if (i < 0)
      Fail(ErrorCode::kSchema, where + "column '" + name + "' is required by the pipeline but not in the " +
                                   place + " (columns: " + Columns(schema) + ")");
    if (name != target_col) model->input_schema.Add(schema.field(i));
  }
}

// Labels `batches` (input columns and the target column) into `data`: the classes are learned
// for a classifier unless the target has them already; rows without a target are left out,
// the rest keep their order, and only the input columns stay.
void LabelRows(const PipelineSpec& spec, std::vector<Batch> batches, TrainingData* data) {
  Model& model = data->model;
  const std::string& target_col = model.target.column;
  data->classifier = spec.Build().estimator->is_classifier();
  if (data->classifier && model.target.classes.size() < 2) {
    model.target.classes.clear();
    std::vector<const Column*> targets;
    for (const auto& b : batches) targets.push_back(b.Get(target_col).get());
    model.target.LearnClasses(targets);
  }
  for (Batch& batch : batches) {
    std::vector<double> y = model.target.Labels(*batch.Get(target_col), data->classifier);
    Batch input = ProjectColumns(batch, model.input_schema);
    batch = Batch();
    std::vector<uint8_t> has_target(y.size());
    bool all = true;
    for (size_t i = 0; i < y.size(); ++i) {
      has_target[i] = !std::isnan(y[i]);
      all = all && has_target[i];
      if (has_target[i]) data->labels.push_back(y[i]);
    }
    if (!all) input = FilterRows(input, has_target);
    if (input.num_rows > 0) data->batches.push_back(std::move(input));
  }
}

// FitOnData on the TrainingData `labelled_rows()` makes, both run in a task arena of
// `options.threads` (0 = all cores) with the process limited to as many.
template <typename MakeData>
Model FitInArena(const PipelineSpec& spec, const FitOptions& options, FitReport* report,
                 MakeData labelled_rows) {
  auto t_start = std::chrono::steady_clock::now();
  CheckTestSize(options.test_size);
  const int threads = ResolveThreads(options.threads);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena arena(threads);
  Model model;
  arena.execute([&] { model = FitOnData(spec, labelled_rows(), options, report); });
  report->seconds_total = Seconds(t_start);
  return model;
}

}  // namespace

TrainingData ReadTrainingData(const PipelineSpec& spec, const std::vector<std::string>& raw_inputs,
                              const FitOptions& options, FitReport* report) {
  auto t_start = std::chrono::steady_clock::now();
  int threads = ResolveThreads(options.threads);

  // Read only the columns the steps need, plus the target.
  TrainingData data;
  data.files = ExpandInputs(raw_inputs);
  const std::vector<std::string>& inputs = data.files;
  if (inputs.empty()) Fail(ErrorCode::kIO, "no input files");
  Model& model = data.model;
  model.read = spec.read;
  ResolveDelimiter(&model.read, inputs);  // delimiter = "auto": the model keeps the one chosen
  auto source = MakeSource(InputFormat(inputs[0]), model.read);
  Schema file_schema = source->InspectSchema(inputs[0]);
  model.target = Target::Parse(spec.target);
  ChooseColumns(spec, file_schema, RedactPostgresUri(inputs[0]) + ": ", "header", &model);
  ScanOptions scan;
  scan.columns = model.input_schema;
  scan.columns.Add(model.target_field);
  scan.on_bad_rows = options.on_bad_rows;
  ReadResult read = ReadAll(*source, inputs, scan, threads);
  if (options.on_bad_rows == BadRowPolicy::kReject && !options.reject_path.empty())
    WriteRejects(options.reject_path, read.stats.rejects, false);
  report->files = static_cast<int64_t>(inputs.size());
  for (const auto& f : inputs)
    if (!IsPostgresUri(f)) report->bytes += FileSize(f);
  report->rows_read = read.stats.rows_read;
  report->rows_rejected = read.stats.rows_rejected;

  LabelRows(spec, std::move(read.batches), &data);
  report->rows_missing_target = read.stats.rows_read - data.rows();
  report->seconds_read = Seconds(t_start);
  return data;
}

TrainingData TrainingDataFromBatches(const PipelineSpec& spec, std::vector<Batch> batches,
                                     const Target& target, FitReport* report) {
  auto t_start = std::chrono::steady_clock::now();
  if (batches.empty()) Fail(ErrorCode::kInvalidInput, "no rows to fit on");
  TrainingData data;
  data.origin = "python: rows in memory";
  Model& model = data.model;
  model.read = spec.read;
  if (model.read.sniff_delimiter)
    Fail(ErrorCode::kUsage, "read option delimiter \"auto\" is sniffed from a CSV input; rows in memory have "
                            "none: give the delimiter the model's predict should read with");
  model.target = target;
  ChooseColumns(spec, batches[0].schema, "", "data", &model);
  for (const auto& b : batches) {
    if (!(b.schema == batches[0].schema))
      Fail(ErrorCode::kInternal, "batches to fit differ in their columns");
    report->rows_read += b.num_rows;
  }
  LabelRows(spec, std::move(batches), &data);
  report->rows_missing_target = report->rows_read - data.rows();
  if (data.rows() == 0)
    Fail(ErrorCode::kInvalidInput, "no rows to train on (" + std::to_string(report->rows_read) +
                                       " given, " + std::to_string(report->rows_missing_target) +
                                       " without a target)");
  report->seconds_read = Seconds(t_start);
  return data;
}

int64_t DefaultMemoryLimit() {
  const double ram = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  double limit = ram > 0 ? ram : 0;
  struct rlimit as;
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY &&
      (limit == 0 || static_cast<double>(as.rlim_cur) < limit))
    limit = static_cast<double>(as.rlim_cur);
  return static_cast<int64_t>(limit / 2);
}

void FitStepsInOrder(const std::vector<std::unique_ptr<Step>>& steps, const Estimator* estimator,
                     std::vector<Batch>* batches, TransformStats* drift, int64_t memory_limit) {
  const int64_t limit = memory_limit > 0 ? memory_limit : DefaultMemoryLimit();
  for (size_t i = 0; i < steps.size(); ++i) {
    Step& step = *steps[i];
    try {
      step.Reset();
      for (const auto& b : *batches) step.PartialFit(b);
      step.FinishFit();
    } catch (const Error& e) {  // e.g. an expression's type error: name the step
      Fail(e.code(), "steps[" + std::to_string(i) + "]: " + e.what());
    }
    CheckFeatureMemory(step, i, *batches, estimator, limit);
    TransformAll(step, batches, drift);
  }
}

Features FitSteps(Pipeline* pipeline, std::vector<Batch>* batches, TransformStats* drift,
                  int64_t memory_limit) {
  FitStepsInOrder(pipeline->steps, pipeline->estimator.get(), batches, drift, memory_limit);
  if (batches->empty()) Fail(ErrorCode::kInvalidInput, "no rows to fit the steps on");
  pipeline->feature_names.clear();
  for (const auto& f : batches->front().schema.fields()) pipeline->feature_names.push_back(f.name);
  return StackFeatures(*pipeline, *batches);
}

Features TransformToFeatures(const Pipeline& pipeline, std::vector<Batch> batches,
                             TransformStats* drift) {
  for (const auto& step : pipeline.steps) TransformAll(*step, &batches, drift);
  return StackFeatures(pipeline, batches);
}

Model FitModel(const PipelineSpec& spec, const std::vector<std::string>& inputs,
               const FitOptions& options, FitReport* report) {
  return FitInArena(spec, options, report,
                    [&] { return ReadTrainingData(spec, inputs, options, report); });
}

Model FitModelOnBatches(const PipelineSpec& spec, std::vector<Batch> batches,
                        const Target& target, const FitOptions& options, FitReport* report) {
  return FitInArena(spec, options, report, [&] {
    return TrainingDataFromBatches(spec, std::move(batches), target, report);
  });
}

namespace {

// The most frequent class of the training labels (the first in class order on ties, as
// scikit-learn's DummyClassifier).
int64_t MajorityClass(const std::vector<double>& y, int64_t classes) {
  std::vector<int64_t> counts(classes, 0);
  for (double label : y) counts[static_cast<int64_t>(label)] += 1;
  return std::max_element(counts.begin(), counts.end()) - counts.begin();
}

// What a classifier's accuracy should be read against: its ROC AUC (exact; one-vs-rest macro
// with more than two classes) and the accuracy of always answering the training majority class.
void AddClassifierContext(const std::vector<double>& y, const std::vector<double>& p, int64_t classes,
                          int64_t majority, const Target& target, Json* metrics) {
  const int64_t n = static_cast<int64_t>(y.size());
  if (n == 0) return;
  const double auc = classes > 2 ? RocAucOvr(y.data(), p.data(), n, classes) : RocAuc(y.data(), p.data(), n);
  if (std::isfinite(auc)) (*metrics)["roc_auc"] = auc;
  int64_t hits = 0;
  for (double label : y) hits += static_cast<int64_t>(label) == majority;
  (*metrics)["majority_class"] = target.classes[majority];
  (*metrics)["majority_accuracy"] = static_cast<double>(hits) / static_cast<double>(n);
}

}  // namespace

// Every class of the target must have training rows: a model cannot learn one it never saw.
void CheckEveryClassIsTrained(const Target& target, const std::vector<double>& y_train) {
  std::vector<int64_t> rows(target.classes.size(), 0);
  for (double y : y_train) ++rows[static_cast<size_t>(y)];
  for (size_t c = 0; c < rows.size(); ++c)
    if (rows[c] == 0 && rows.size() > 2)
      Fail(ErrorCode::kInvalidInput, "target '" + target.column + "': class '" + target.classes[c] +
                                         "' has no training rows (it is only in the held-out rows; "
                                         "use more data or a smaller --test-size)");
}

Model FitOnData(const PipelineSpec& spec, TrainingData data, const FitOptions& options,
                FitReport* report) {
  auto t_fit = std::chrono::steady_clock::now();
  CheckTestSize(options.test_size);
  std::string fingerprint;
  Json sources = Sources(data, &fingerprint);  // before the rows are split up
  Model model = std::move(data.model);
  model.pipeline = spec.Build();
  Pipeline& pipeline = model.pipeline;
  bool classifier = data.classifier;
  const int64_t valid_rows = data.rows();

  // Hold out exactly ceil(test_size * n) rows, chosen by selection sampling (Knuth's
  // algorithm S): one pass, deterministic for a seed, train rows stay in input order.
  int64_t test_rows = static_cast<int64_t>(std::ceil(options.test_size * valid_rows));
  if (valid_rows - test_rows <= 0)
    Fail(ErrorCode::kInvalidInput, "no rows to train on (" + std::to_string(report->rows_read) +
                                       " read, " + std::to_string(report->rows_missing_target) +
                                       " without a target, " + std::to_string(test_rows) +
                                       " held out)");
  uint64_t rng = options.seed * 0x2545F4914F6CDD1DULL + 1;
  int64_t remaining = valid_rows, need = test_rows, row = 0;
  std::vector<Batch> train, test;
  std::vector<double> y_train, y_test;
  for (Batch& batch : data.batches) {
    std::vector<uint8_t> in_train(batch.num_rows, 0), in_test(batch.num_rows, 0);
    bool all_train = true;
    for (int64_t i = 0; i < batch.num_rows; ++i) {
      double y = data.labels[row++];
      bool pick = need > 0 && UnitInterval(SplitMix64(&rng)) * remaining < need;
      --remaining;
      if (pick) {
        --need;
        in_test[i] = 1;
        y_test.push_back(y);
        all_train = false;
      } else {
        in_train[i] = 1;
        y_train.push_back(y);
      }
    }
    if (test_rows > 0) test.push_back(FilterRows(batch, in_test));
    train.push_back(all_train ? std::move(batch) : FilterRows(batch, in_train));
  }
  data.batches.clear();
  report->rows_train = static_cast<int64_t>(y_train.size());
  report->rows_test = static_cast<int64_t>(y_test.size());

  // Each step learns from the training rows as transformed by the steps before it.
  const int64_t classes = classifier ? static_cast<int64_t>(model.target.classes.size()) : 0;
  if (classifier) {
    pipeline.estimator->SetClasses(model.target.classes);
    CheckEveryClassIsTrained(model.target, y_train);
  }
  Features x = FitSteps(&pipeline, &train, &report->drift, options.memory_limit);
  train.clear();
  pipeline.estimator->Fit(x, y_train);
  report->fit_info = pipeline.estimator->FitInfo();
  report->seconds_fit = Seconds(t_fit);

  // Scores.
  auto t_score = std::chrono::steady_clock::now();
  const int64_t outputs = pipeline.estimator->n_outputs();
  std::vector<double> p(x.rows * outputs);
  pipeline.estimator->Predict(x, p.data());
  Metrics train_metrics(classifier, classes);
  train_metrics.Add(y_train.data(), p.data(), x.rows);
  report->train_metrics = train_metrics.ToJson();
  const int64_t majority = classifier ? MajorityClass(y_train, classes) : -1;
  if (classifier) AddClassifierContext(y_train, p, classes, majority, model.target, &report->train_metrics);
  x = Features();
  if (test_rows > 0) {
    TransformStats ignored;
    Features xt = TransformToFeatures(pipeline, std::move(test), &ignored);
    std::vector<double> pt(xt.rows * outputs);
    pipeline.estimator->Predict(xt, pt.data());
    Metrics test_metrics(classifier, classes);
    test_metrics.Add(y_test.data(), pt.data(), xt.rows);
    report->test_metrics = test_metrics.ToJson();
    if (classifier) AddClassifierContext(y_test, pt, classes, majority, model.target, &report->test_metrics);
  }
  report->seconds_score = Seconds(t_score);

  model.training = {{"sources", sources},
                    {"fingerprint", fingerprint},
                    {"rows_read", report->rows_read},
                    {"rows_rejected", report->rows_rejected},
                    {"rows_missing_target", report->rows_missing_target},
                    {"rows_train", report->rows_train},
                    {"rows_test", report->rows_test},
                    {"test_size", options.test_size},
                    {"seed", options.seed},
                    {"drift", report->drift.counters},
                    {"spec", spec.path}};
  if (!data.origin.empty()) model.training["origin"] = data.origin;
  model.metrics = {{"train", report->train_metrics}};
  if (test_rows > 0) model.metrics["test"] = report->test_metrics;
  report->seconds_total = report->seconds_read + Seconds(t_fit);
  return model;
}

}  // namespace outcore
