// outcore._outcore: the C++ library as seen from Python. Plain functions over models, batches
// and splits; JSON (as text) where structures cross the boundary. The scikit-learn layer and
// the Dask task submission are Python (python/outcore/); the predict driver is PredictRun.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "io/file_util.h"
#include "outcore/error.h"
#include "outcore/fit.h"
#include "outcore/import_xgboost.h"
#include "outcore/model.h"
#include "outcore/output_names.h"
#include "outcore/pipeline.h"
#include "outcore/postgres.h"
#include "outcore/predict.h"
#include "outcore/predict_run.h"
#include "outcore/python_api.h"

namespace py = pybind11;
using namespace outcore;

namespace {

// ---- Errors: outcore::Error becomes outcore.<Kind>Error, which also derives from the
// matching built-in (ValueError for bad data, schema, model or usage; OSError for I/O).

PyObject* g_error = nullptr;
PyObject* g_usage_error = nullptr;
PyObject* g_input_error = nullptr;
PyObject* g_schema_error = nullptr;
PyObject* g_model_error = nullptr;
PyObject* g_io_error = nullptr;
PyObject* g_internal_error = nullptr;

PyObject* NewError(py::module_& m, const char* name, PyObject* builtin, const char* doc,
                   ErrorCode code) {
  PyObject* bases = builtin ? PyTuple_Pack(2, g_error, builtin) : nullptr;
  std::string qualified = std::string("outcore.") + name;
  PyObject* cls =
      PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases ? bases : g_error, nullptr);
  Py_XDECREF(bases);
  if (!cls) throw py::error_already_set();
  PyObject_SetAttrString(cls, "code", py::int_(static_cast<int>(code)).ptr());
  m.add_object(name, py::handle(cls));
  return cls;
}

void RegisterErrors(py::module_& m) {
  g_error = PyErr_NewExceptionWithDoc("outcore.Error",
                                      "Any error outcore reports; .code is the CLI's exit code.",
                                      PyExc_Exception, nullptr);
  PyObject_SetAttrString(g_error, "code", py::int_(static_cast<int>(ErrorCode::kInternal)).ptr());
  m.add_object("Error", py::handle(g_error));
  g_usage_error = NewError(m, "UsageError", PyExc_ValueError,
                           "A bad option or argument (exit code 2).", ErrorCode::kUsage);
  g_input_error = NewError(m, "InvalidInputError", PyExc_ValueError,
                           "Malformed data (exit code 3).", ErrorCode::kInvalidInput);
  g_schema_error = NewError(m, "SchemaError", PyExc_ValueError,
                            "Data does not match the model (exit code 4).", ErrorCode::kSchema);
  g_model_error = NewError(m, "ModelError", PyExc_ValueError,
                           "An invalid model, spec or parameter (exit code 5).", ErrorCode::kModel);
  g_io_error = NewError(m, "OutcoreIOError", PyExc_OSError, "A file system failure (exit code 6).",
                        ErrorCode::kIO);
  g_internal_error = NewError(m, "InternalError", PyExc_RuntimeError,
                              "A bug in outcore (exit code 70).", ErrorCode::kInternal);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      PyObject* cls = g_internal_error;
      switch (e.code()) {
        case ErrorCode::kUsage:
          cls = g_usage_error;
          break;
        case ErrorCode::kInvalidInput:
          cls = g_input_error;
          break;
        case ErrorCode::kSchema:
          cls = g_schema_error;
          break;
        case ErrorCode::kModel:
          cls = g_model_error;
          break;
        case ErrorCode::kIO:
          cls = g_io_error;
          break;
        case ErrorCode::kInternal:
          cls = g_internal_error;
          break;
      }
      py::object error =
          py::reinterpret_steal<py::object>(PyObject_CallFunction(cls, "s", e.what()));
      if (!error) return;  // the call set its own exception
      PyErr_SetObject(cls, error.ptr());
    } catch (const nlohmann::json::exception& e) {
      PyErr_SetString(g_model_error, (std::string("bad JSON: ") + e.what()).c_str());
    }
  });
}

// ---- Columns: NumPy arrays in, NumPy arrays out.
// In: one copy of each numeric column into the C++ buffer (a Column owns its buffers), done
// in C++ from the array's memory, strided or not. Out: numeric buffers are shared, not
// copied: the array keeps the column alive.

template <typename T>
std::vector<T> CopyArray(const py::array& values) {
  auto a = py::array_t<T, py::array::forcecast>::ensure(values);
  if (!a) throw py::error_already_set();
  if (a.ndim() != 1) throw py::value_error("a column must be one-dimensional");
  std::vector<T> out(a.shape(0));
  if (a.strides(0) == static_cast<py::ssize_t>(sizeof(T)) || a.shape(0) <= 1) {
    if (!out.empty()) std::memcpy(out.data(), a.data(), out.size() * sizeof(T));
  } else {
    auto view = a.template unchecked<1>();
    for (py::ssize_t i = 0; i < a.shape(0); ++i) out[i] = view(i);
  }
  return out;
}

// `mask` (None or bool array): True where the value is missing.
void ApplyMask(const py::object& mask, Column* c) {
  if (mask.is_none()) return;
  std::vector<uint8_t> missing = CopyArray<uint8_t>(mask);
  if (static_cast<int64_t>(missing.size()) != c->length)
    throw py::value_error("mask length differs from the column's");
  for (int64_t i = 0; i < c->length; ++i)
    if (missing[i]) c->SetNull(i);
}

// A value of an object array that counts as missing: None, or a float NaN (pandas' NaN, NaT).
bool IsMissingObject(PyObject* o) {
  if (o == Py_None) return true;
  if (PyFloat_Check(o)) return std::isnan(PyFloat_AS_DOUBLE(o));
  return false;
}

void AppendText(PyObject* o, Column* c) {
  Py_ssize_t size = 0;
  const char* text = nullptr;
  py::object converted;
  if (PyUnicode_Check(o)) {
    text = PyUnicode_AsUTF8AndSize(o, &size);
  } else {
    converted = py::str(py::handle(o));
    text = PyUnicode_AsUTF8AndSize(converted.ptr(), &size);
  }
  if (!text) throw py::error_already_set();
  c->chars.append(text, size);
}

// kind: float, int, bool, datetime (int64 microseconds), string (object array), category
// (int32 codes, -1 = missing, with `categories`).
ColumnPtr ColumnFromPython(const std::string& kind, const py::array& values, const py::object& mask,
                           const py::object& categories) {
  std::optional<DataType> type = ParseTypeName(kind);
  if (!type) throw py::value_error("unknown column kind '" + kind + "'");
  auto c = std::make_shared<Column>(*type);
  switch (*type) {
    case DataType::kF64:
      c->f64 = CopyArray<double>(values);
      c->length = static_cast<int64_t>(c->f64.size());
      for (int64_t i = 0; i < c->length; ++i)
        if (std::isnan(c->f64[i])) c->SetNull(i);
      break;
    case DataType::kI64:
    case DataType::kTimestamp:
      c->i64 = CopyArray<int64_t>(values);
      c->length = static_cast<int64_t>(c->i64.size());
      break;
    case DataType::kBool:
      c->u8 = CopyArray<uint8_t>(values);
      c->length = static_cast<int64_t>(c->u8.size());
      for (auto& v : c->u8) v = v != 0;
      break;
    case DataType::kString: {
      if (values.dtype().kind() != 'O' || values.ndim() != 1)
        throw py::value_error("a string column must be a one-dimensional object array");
      c->length = values.shape(0);
      c->offsets.reserve(c->length + 1);
      c->offsets.push_back(0);
      std::vector<int64_t> missing;
      for (int64_t i = 0; i < c->length; ++i) {
        PyObject* o = *static_cast<PyObject* const*>(values.data(i));
        if (IsMissingObject(o))
          missing.push_back(i);
        else
          AppendText(o, c.get());
        c->offsets.push_back(static_cast<int64_t>(c->chars.size()));
      }
      for (int64_t i : missing) c->SetNull(i);
      break;
    }
    case DataType::kCategory: {
      c->codes = CopyArray<int32_t>(values);
      c->length = static_cast<int64_t>(c->codes.size());
      auto dict = std::make_shared<Dictionary>();
      for (const auto& v : categories) dict->push_back(py::str(v));
      for (int64_t i = 0; i < c->length; ++i) {
        if (c->codes[i] < 0) {
          c->codes[i] = 0;
          c->SetNull(i);
        } else if (c->codes[i] >= static_cast<int32_t>(dict->size())) {
          throw py::value_error("category code out of range");
        }
      }
      c->dict = dict;
      break;
    }
  }
  ApplyMask(mask, c.get());
  return c;
}

// A NumPy array over a column's buffer; the array holds a reference to the column.
template <typename T>
py::array ShareBuffer(const ColumnPtr& column, const std::vector<T>& buffer) {
  auto* owner = new ColumnPtr(column);
  py::capsule base(owner, [](void* p) { delete static_cast<ColumnPtr*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(buffer.size())},
                        {static_cast<py::ssize_t>(sizeof(T))}, buffer.data(), base);
}

// (kind, values, mask or None, categories or None); mask is True where missing.
py::tuple ColumnToPython(const ColumnPtr& c) {
  py::object mask = py::none();
  if (c->null_count > 0 && !c->valid.empty()) {
    py::array_t<bool> m(c->length);
    bool* out = m.mutable_data();
    for (int64_t i = 0; i < c->length; ++i) out[i] = c->valid[i] == 0;
    mask = m;
  }
  std::string kind(TypeName(c->type));
  switch (c->type) {
    case DataType::kF64:
      return py::make_tuple(kind, ShareBuffer(c, c->f64), mask, py::none());
    case DataType::kI64:
    case DataType::kTimestamp:
      return py::make_tuple(kind, ShareBuffer(c, c->i64), mask, py::none());
    case DataType::kBool:
      return py::make_tuple(kind, ShareBuffer(c, c->u8), mask, py::none());
    case DataType::kString: {
      py::array::ShapeContainer shape{static_cast<py::ssize_t>(c->length)};
      py::array values(py::dtype("O"), shape);
      auto** out = static_cast<PyObject**>(values.mutable_data());
      for (int64_t i = 0; i < c->length; ++i) {
        std::string_view s = c->Str(i);
        PyObject* o = c->IsNull(i) ? (Py_INCREF(Py_None), Py_None)
                                   : PyUnicode_DecodeUTF8(
                                         s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
        if (!o) throw py::error_already_set();
        Py_XDECREF(out[i]);
        out[i] = o;
      }
      return py::make_tuple(kind, values, mask, py::none());
    }
    case DataType::kCategory: {
      py::array_t<int32_t> codes(c->length);
      int32_t* out = codes.mutable_data();
      for (int64_t i = 0; i < c->length; ++i) out[i] = c->IsNull(i) ? -1 : c->codes[i];
      py::list categories;
      if (c->dict)
        for (const auto& v : *c->dict) categories.append(py::str(v));
      return py::make_tuple(kind, codes, py::none(), categories);
    }
  }
  throw py::value_error("unknown column type");
}

Batch BatchFromPython(const py::list& names, const py::list& columns) {
  if (names.size() != columns.size()) throw py::value_error("names and columns differ in length");
  Batch batch;
  for (size_t j = 0; j < names.size(); ++j) {
    auto spec = columns[j].cast<py::tuple>();
    if (spec.size() != 4) throw py::value_error("a column is (kind, values, mask, categories)");
    ColumnPtr c =
        ColumnFromPython(spec[0].cast<std::string>(), spec[1].cast<py::array>(), spec[2], spec[3]);
    if (j > 0 && c->length != batch.num_rows) throw py::value_error("columns differ in length");
    batch.num_rows = c->length;
    batch.Add(names[j].cast<std::string>(), c);
  }
  return batch;
}

py::list BatchToPython(const Batch& batch) {
  py::list out;
  for (int j = 0; j < batch.schema.size(); ++j)
    out.append(py::make_tuple(batch.schema.field(j).name, ColumnToPython(batch.columns[j])));
  return out;
}

// A vector of doubles handed to NumPy without a copy.
py::array VectorToArray(std::vector<double> values) {
  auto* owner = new std::vector<double>(std::move(values));
  py::capsule base(owner, [](void* p) { delete static_cast<std::vector<double>*>(p); });
  return py::array_t<double>({static_cast<py::ssize_t>(owner->size())}, {sizeof(double)},
                             owner->data(), base);
}

Json ParseJson(const std::string& text) { return Json::parse(text); }

Sink::Mode SinkMode(const std::string& mode) {
  if (mode == "fresh") return Sink::Mode::kFresh;
  if (mode == "resume") return Sink::Mode::kResume;
  if (mode == "overwrite") return Sink::Mode::kOverwrite;
  Fail(ErrorCode::kUsage, "sink mode: expected fresh, resume or overwrite, got '" + mode + "'");
}

// ---- Models.

using ModelPtr = std::shared_ptr<Model>;

// With the file loader's caps: the text may come from a pickle or anywhere else.
ModelPtr SharedModelFromText(const std::string& text) {
  return std::make_shared<Model>(outcore::ModelFromText(text));
}

std::string ModelText(const Model& m) { return ModelToJson(m).dump(); }

PipelineSpec SpecFromJson(const Json& j) {
  PipelineSpec spec;
  spec.path = j.value("path", "");
  spec.read = ParseReadOptions(j.value("read", Json()), "read options", "");
  spec.target = j.value("target", "");
  spec.steps = j.value("steps", Json::array());
  spec.model = j.at("model");
  return spec;
}

std::vector<std::unique_ptr<Step>> StepsFromJson(const Json& steps, bool with_state) {
  std::vector<std::unique_ptr<Step>> out;
  for (const auto& s : steps) {
    auto step = MakeStep(s.at("kind"), s.value("params", Json::object()));
    if (with_state) step->LoadState(s.at("state"));
    out.push_back(std::move(step));
  }
  return out;
}

std::vector<Batch> BatchList(const py::list& batches) {
  std::vector<Batch> out;
  for (const auto& b : batches) out.push_back(b.cast<Batch>());
  return out;
}

}  // namespace

PYBIND11_MODULE(_outcore, m) {
  m.doc() = "outcore's C++ engine (use the `outcore` package, not this module)";
  m.attr("__version__") = OUTCORE_VERSION;
  // What a model file made in Python (outcore.from_sklearn) must say it is.
  m.attr("model_format") = py::make_tuple(
      Model::kFormat, std::to_string(Model::kFormatMajor) + "." + std::to_string(Model::kFormatMinor));
  RegisterErrors(m);

  py::class_<Batch>(m, "Batch", "Columns of equal length (the unit that flows through a pipeline).")
      .def_property_readonly("num_rows", [](const Batch& b) { return b.num_rows; })
      .def_property_readonly("names", [](const Batch& b) {
        std::vector<std::string> names;
        for (const auto& f : b.schema.fields()) names.push_back(f.name);
        return names;
      });
  m.def("make_batch", &BatchFromPython, py::arg("names"), py::arg("columns"),
        "A batch from columns: each (kind, values, mask, categories).");
  m.def("batch_columns", &BatchToPython, py::arg("batch"),
        "A batch's columns: [(name, (kind, values, mask, categories))]; numeric values share "
        "memory.");

  py::class_<Model, ModelPtr>(m, "Model", "A fitted pipeline and what it was trained on.")
      .def_static("from_json", &SharedModelFromText, py::arg("text"),
                  "Validates and builds a model from its JSON text.")
      .def_static(
          "load", [](const std::string& path) { return std::make_shared<Model>(LoadModel(path)); },
          py::arg("path"))
      .def("to_json", &ModelText, "The model file's JSON, as text.")
      .def(
          "save", [](Model& model, const std::string& path) { SaveModel(model, path); },
          py::arg("path"))
      .def_property_readonly("fingerprint", [](const Model& model) { return model.fingerprint; })
      .def_property_readonly(
          "is_classifier",
          [](const Model& model) { return model.pipeline.estimator->is_classifier(); })
      .def(
          "predict",
          [](const Model& model, const py::list& batches, int threads) {
            std::vector<Batch> input = BatchList(batches);
            std::vector<double> out;
            TransformStats drift;
            {
              py::gil_scoped_release release;
              out = PredictBatches(model, input, threads, &drift);
            }
            const int64_t outputs = model.pipeline.estimator->n_outputs();
            const int64_t rows = static_cast<int64_t>(out.size()) / outputs;
            py::object values = VectorToArray(std::move(out));
            if (outputs > 1) values = values.attr("reshape")(py::make_tuple(rows, outputs));
            return py::make_tuple(values, Json(drift.counters).dump());
          },
          py::arg("batches"), py::arg("threads") = 0,
          "(predictions, drift JSON) for the rows of the batches, in order: one value per row, "
          "or rows x k class probabilities for a classifier of k > 2 classes.")
      .def(py::pickle([](const Model& model) { return ModelText(model); },
                      [](const std::string& text) { return SharedModelFromText(text); }));

  m.def(
      "fit_model",
      [](const std::string& spec_json, const py::list& batches,
         const std::string& target_expression, const std::vector<std::string>& classes,
         int threads) {
        PipelineSpec spec = SpecFromJson(ParseJson(spec_json));
        Target target = Target::Parse(target_expression);
        if (!classes.empty()) target.classes = classes;
        std::vector<Batch> input = BatchList(batches);
        FitOptions options;  // as `outcore fit --test-size 0`: every row trains
        options.test_size = 0;
        options.threads = threads;
        FitReport report;
        ModelPtr model;
        {
          py::gil_scoped_release release;
          model = std::make_shared<Model>(
              FitModelOnBatches(spec, std::move(input), target, options, &report));
        }
        model->fingerprint = HashHex(ModelText(*model));
        return py::make_tuple(model, report.ToJson().dump());
      },
      py::arg("spec_json"), py::arg("batches"), py::arg("target"), py::arg("classes"),
      py::arg("threads") = 0,
      "Fits {read, target, steps, model} on batches holding the inputs and the target column.");

  py::class_<XGBoostImport>(m, "XGBoostImport",
                            "An XGBoost JSON model read and converted once; a model outcore cannot "
                            "convert is a ModelError naming the JSON path.")
      .def(py::init<const std::string&, const std::string&>(), py::arg("text"), py::arg("origin"))
      .def(
          "summary", [](const XGBoostImport& x) { return x.Summary().dump(); },
          "What the model holds, as JSON (estimator_kind, objective, version, num_class, num_features, "
          "feature_names, num_trees, num_rounds, best_iteration, node_ids).")
      .def(
          "import_model",
          [](const XGBoostImport& x, const std::string& spec_json, const py::list& batches,
             const std::string& target_expression, const std::vector<std::string>& classes, int64_t rounds_begin,
             int64_t rounds_end) {
            PipelineSpec spec = SpecFromJson(ParseJson(spec_json));
            Target target = Target::Parse(target_expression);
            if (!classes.empty()) target.classes = classes;
            std::vector<Batch> input = BatchList(batches);
            FitReport report;
            ModelPtr model;
            {
              py::gil_scoped_release release;
              model = std::make_shared<Model>(x.Import(
                  spec, TrainingDataFromBatches(spec, std::move(input), target, &report), rounds_begin, rounds_end));
            }
            model->fingerprint = HashHex(ModelText(*model));
            return model;
          },
          py::arg("spec_json"), py::arg("batches"), py::arg("target"), py::arg("classes"),
          py::arg("rounds_begin") = 0, py::arg("rounds_end") = 0,
          "An outcore model scoring as the XGBoost model does: {read, target, steps, model} with the "
          "sample's batches (inputs and the target column) fitting the steps; only the boosting rounds "
          "[rounds_begin, rounds_end) (rounds_end 0: all).");

  m.def(
      "fit_steps",
      [](const std::string& steps_json, const py::list& batches, int threads) {
        auto steps = StepsFromJson(ParseJson(steps_json), false);
        std::vector<Batch> input = BatchList(batches), out;
        TransformStats drift;
        {
          py::gil_scoped_release release;
          out = FitStepsOnBatches(steps, std::move(input), threads, &drift);
        }
        Json states = Json::array();
        for (const auto& s : steps)
          states.push_back(
              {{"kind", s->kind()}, {"params", s->params()}, {"state", s->SaveState()}});
        return py::make_tuple(states.dump(), out);
      },
      py::arg("steps_json"), py::arg("batches"), py::arg("threads") = 0,
      "Fits [{kind, params}] in order; returns ([{kind, params, state}] JSON, transformed "
      "batches).");

  m.def(
      "transform_steps",
      [](const std::string& steps_json, const py::list& batches, int threads) {
        auto steps = StepsFromJson(ParseJson(steps_json), true);
        std::vector<Batch> input = BatchList(batches), out;
        TransformStats drift;
        {
          py::gil_scoped_release release;
          out = TransformBatches(steps, input, threads, &drift);
        }
        return py::make_tuple(out, Json(drift.counters).dump());
      },
      py::arg("steps_json"), py::arg("batches"), py::arg("threads") = 0,
      "Runs fitted [{kind, params, state}] over the batches; returns (batches, drift JSON).");

  m.def(
      "registry",
      [] {
        return RegistryJson().dump();
      },
      "Every registered step and estimator with its declared parameters, as `outcore steps --json` "
      "prints them: {steps, estimators}, each {kind, doc, params (names), parameters "
      "(name, type, default, required, bounds, choices, doc)}, estimators also {classifier} (JSON).");

  m.def(
      "load_spec",
      [](const std::string& path) {
        PipelineSpec spec = LoadSpec(path);
        return Json{{"path", spec.path},
                    {"read", ReadOptionsToJson(spec.read)},
                    {"target", spec.target},
                    {"steps", spec.steps},
                    {"model", spec.model}}
            .dump();
      },
      py::arg("path"), "A TOML pipeline spec as JSON: {path, read, target, steps, model}.");
  m.def(
      "read_options",
      [](const std::string& text) {
        return ReadOptionsToJson(ParseReadOptions(Json::parse(text), "read options", "")).dump();
      },
      py::arg("read"),
      "A spec's [read] table (JSON) with every option filled in, as a model file stores it (JSON).");
  m.def(
      "parse_target",
      [](const std::string& expression) {
        Target t = Target::Parse(expression);
        return py::make_tuple(t.column, t.op, t.classes);
      },
      py::arg("expression"),
      "(column, operator or '', classes) of a target such as 'Tip_Amt > 0'.");
  m.def(
      "parse_type_name",
      [](const std::string& name) -> py::object {
        auto t = ParseTypeName(name);
        if (!t) return py::none();
        return py::str(std::string(TypeName(*t)));
      },
      py::arg("name"));

  // ---- Distributed predict: plan on the driver, run splits on workers, commit on the driver.
  m.def("expand_inputs", &ExpandInputs, py::arg("inputs"),
        "Files of directories (sorted), globs expanded, plain paths kept.");
  m.def(
      "plan_splits",
      [](const Model& model, const std::vector<std::string>& inputs, int64_t split_size,
         const std::vector<std::string>& keep) {
        Schema keep_schema;
        for (const auto& k : keep) keep_schema.Add({k, DataType::kString});
        std::vector<Split> splits;
        {
          py::gil_scoped_release release;
          splits = PlanSplits(model, inputs, split_size, &keep_schema);
        }
        std::vector<std::string> texts;
        for (const auto& s : splits) texts.push_back(s.ToJson());
        Json keep_json = Json::array();
        for (const auto& f : keep_schema.fields())
          keep_json.push_back({{"name", f.name}, {"type", TypeName(f.type)}});
        return py::make_tuple(texts, keep_json.dump());
      },
      py::arg("model"), py::arg("inputs"), py::arg("split_size"), py::arg("keep"),
      "Checks inputs against the model and cuts them into splits: ([split JSON], kept columns "
      "JSON).");
  m.def("default_output_spec", [] { return OutputSpec().ToJson(); });
  m.def(
      "run_split",
      [](const Model& model, const std::string& split_json, const std::string& output_json,
         int64_t attempt) {
        Split split = Split::FromJson(split_json);
        OutputSpec output = OutputSpec::FromJson(output_json);
        SplitResult result;
        {
          py::gil_scoped_release release;
          result = RunSplit(model, split, output, attempt);
        }
        return result.ToJson().dump();
      },
      py::arg("model"), py::arg("split_json"), py::arg("output_json"), py::arg("attempt"),
      "Scores one split into a part under a temporary name unique to `attempt`; the result as "
      "JSON.");
  m.def(
      "temp_part_path",
      [](const std::string& output_json, int64_t ordinal, int64_t attempt) {
        return TempPartPath(OutputSpec::FromJson(output_json), ordinal, attempt);
      },
      py::arg("output_json"), py::arg("ordinal"), py::arg("attempt"));
  m.def(
      "part_name",
      [](int64_t ordinal, const std::string& format) {
        return PartName(ordinal, format == "csv" ? OutputFormat::kCsv : OutputFormat::kParquet);
      },
      py::arg("ordinal"), py::arg("format"));
  // The destination of a run: the CLI's Sink (PredictRun drives it; bound on its own for
  // tests of the output rules).
  py::class_<Sink>(m, "Sink", "Where a run's parts go (a directory or a PostgreSQL table).")
      .def(
          "prepare",
          [](Sink& sink, const std::string& mode, const std::string& identity_json) {
            bool complete = false;
            std::vector<SplitResult> kept;
            {
              py::gil_scoped_release release;  // database round trips: let Dask's thread run
              kept = sink.Prepare(SinkMode(mode), ParseJson(identity_json), &complete);
            }
            std::vector<std::string> done;
            for (const auto& r : kept) done.push_back(r.ToJson().dump());
            return py::make_tuple(done, complete);
          },
          py::arg("mode"), py::arg("identity_json"),
          "Readies the destination: ([SplitResult JSON of parts a resumed run keeps], complete).")
      .def(
          "commit",
          [](Sink& sink, const std::string& result_json) {
            SplitResult result = SplitResult::FromJson(ParseJson(result_json));
            py::gil_scoped_release release;
            sink.Commit(result);
          },
          py::arg("result_json"), "Makes a finished attempt's part visible and records it.")
      .def("redone", [](const Sink& sink) { return sink.Redone().dump(); },
           "The parts the last resume found missing or changed and will redo, as JSON text: "
           "[{\"part\": NAME, \"why\": WHAT}].")
      .def("manifest", [](Sink& sink) { return sink.Manifest().dump(); },
           "The manifest of a complete run, as JSON text.");
  m.def(
      "open_sink", [](const std::string& output_json) { return OpenSink(OutputSpec::FromJson(output_json)); },
      py::arg("output_json"), "The sink of an output spec (its dir: a directory or a postgresql:// URI).");
  // The driver of a distributed run: the CLI's own (PredictRun). Python submits its splits
  // to Dask and hands each reply back; options, messages and the manifest are the C++ ones.
  py::class_<PredictRun>(m, "PredictRun",
                         "One predict run: plan, prepare the output, commit each split's first "
                         "reported attempt, finish (rejects, manifest, _SUCCESS).")
      .def(py::init([](const Model& model, const std::string& model_path,
                       const std::vector<std::string>& inputs, const std::string& output,
                       const std::vector<std::string>& keep, const std::string& split_size,
                       const std::string& format, const std::string& compression, bool label,
                       const std::string& on_bad_rows, bool overwrite, bool resume,
                       const std::vector<std::string>& read, const std::vector<std::string>& rename) {
             PredictRequest request;
             request.read = read;
             request.rename = rename;
             request.style = OptionStyle::kKeywords;
             request.output = output;
             request.split_size = split_size;
             request.format = format;
             request.compression = compression;
             request.label = label;
             request.on_bad_rows = on_bad_rows;
             request.overwrite = overwrite;
             request.resume = resume;
             return std::make_unique<PredictRun>(model, model_path, inputs, keep,
                                                 ParsePredictOptions(request));
           }),
           py::arg("model"), py::arg("model_path"), py::arg("inputs"), py::arg("output"),
           py::arg("keep"), py::arg("split_size"), py::arg("format"), py::arg("compression"),
           py::arg("label"), py::arg("on_bad_rows"), py::arg("overwrite"), py::arg("resume"),
           py::arg("read") = std::vector<std::string>(), py::arg("rename") = std::vector<std::string>(),
           py::keep_alive<1, 2>(), "Checks the options (named as Python keywords in errors).")
      .def(
          "start",
          [](PredictRun& run) {
            std::vector<Split> todo;
            {
              py::gil_scoped_release release;  // reads the inputs; database round trips
              todo = run.Start();
            }
            std::vector<std::string> texts;
            for (const auto& s : todo) texts.push_back(s.ToJson());
            return texts;
          },
          "Plans the inputs and prepares the output: [split JSON] of the splits still to run "
          "(none when a resumed run had finished).")
      .def("worker_output", [](const PredictRun& run) { return run.WorkerOutput().ToJson(); },
           "The output spec JSON for run_split on a worker (a database URI without its password).")
      .def(
          "offer",
          [](PredictRun& run, const std::string& result_json) {
            SplitResult result = SplitResult::FromJson(ParseJson(result_json));
            py::gil_scoped_release release;
            return run.Offer(result);
          },
          py::arg("result_json"),
          "Commits an attempt's part unless its split has one (then discards it): whether it was "
          "committed.")
      .def("progress_line", &PredictRun::ProgressLine, py::arg("label"), py::arg("terminal"),
           "The progress line due after the parts committed so far, or '' (on a terminal every "
           "part; elsewhere each new tenth of the input and the last part).")
      .def(
          "fail",
          [](PredictRun& run, int code, const std::string& message) {
            ErrorCode kind = ErrorCode::kInternal;
            for (ErrorCode c : {ErrorCode::kUsage, ErrorCode::kInvalidInput, ErrorCode::kSchema,
                                ErrorCode::kModel, ErrorCode::kIO})
              if (static_cast<int>(c) == code) kind = c;
            run.Fail(std::make_exception_ptr(Error(kind, message)));
          },
          py::arg("code"), py::arg("message"),
          "Records a failure (an outcore error's .code and text); the first one wins.")
      .def_property_readonly("failed", &PredictRun::failed)
      .def(
          "finish",
          [](PredictRun& run, int threads, const std::string& executor_json) {
            py::gil_scoped_release release;  // a table's Finish counts its rows
            return run.Finish(threads, ParseJson(executor_json)).manifest.dump();
          },
          py::arg("threads"), py::arg("executor_json"),
          "Completes the run (the manifest as JSON text), or raises its first error with how to "
          "resume.");
  m.def(
      "parse_size", [](const std::string& text, const std::string& option) { return ParseSize(text, option); },
      py::arg("text"), py::arg("option") = "size", "Bytes in '64MB', '1G', '512KiB', '1000'.");
  m.def("redact_uri", &RedactPostgresUri, py::arg("text"),
        "A postgresql:// URI without its password; anything else as it is.");
}
