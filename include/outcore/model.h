#pragma once
/// The pipeline spec (TOML, written by users) and the model file (JSON, written by fit).
#include <cstdint>
#include <string>
#include <vector>

#include "outcore/column.h"
#include "outcore/io.h"
#include "outcore/pipeline.h"

namespace outcore {

/// What the model predicts: a column as it is ("Tip_Amt"), or a column compared with a
/// number ("Tip_Amt > 0", operators > >= < <= == !=), which makes a binary target.
struct Target {
  std::string expression;
  std::string column;
  std::string op;  // empty when the column is used as it is
  double threshold = 0;
  /// For classifiers: the class values as text, sorted as scikit-learn's classes_ (numbers by
  /// value, text by its bytes); a comparison's are ("false", "true"). Two classes make a
  /// binary classifier (the second is the positive class), more a multiclass one.
  std::vector<std::string> classes;
  static constexpr int64_t kMaxClasses = outcore::kMaxClasses;

  static Target Parse(const std::string& expression);
  /// For a classifier on a plain column: learns the classes (2 to kMaxClasses) from the data.
  void LearnClasses(const std::vector<const Column*>& columns);
  /// Labels of a batch: the class index (0/1 for a binary target) for a classifier, the value
  /// for a regressor; NaN where the target is missing.
  std::vector<double> Labels(const Column& column, bool classifier) const;
};

/// A parsed pipeline spec: how to read, what to predict, the steps and the model.
struct PipelineSpec {
  std::string path;
  ReadOptions read;
  std::string target;
  Json steps = Json::array();  // [{kind, params}]
  Json model;                  // {kind, params}

  /// Builds fresh (unfitted) steps and estimator; validates every parameter.
  Pipeline Build() const;
  /// The columns the steps read: the first step's list when it is `select`, else empty (all).
  std::vector<std::string> InputColumns() const;
};

/// Parses a TOML spec file (format: docs/spec.md). Errors name the file and the key.
PipelineSpec LoadSpec(const std::string& path);
/// Parses a spec from TOML text (`origin` names it in errors).
PipelineSpec ParseSpec(const std::string& toml_text, const std::string& origin);
/// Read options from a JSON object: a spec's [read] table (`prefix` "read."), or the Python
/// package's read_options (`prefix` ""). Every key is optional (defaults: ReadOptions's);
/// an unknown key or a bad value is a kModel error "<origin>: '<prefix><key>' ...".
ReadOptions ParseReadOptions(const Json& read, const std::string& origin, const std::string& prefix);
/// `base` with `--read KEY=VALUE` overrides applied in order, checked as a spec's [read] is:
/// KEY is a [read] key, or KEY.COLUMN for one column's (date_format.COLUMN, dtype.COLUMN);
/// VALUE is a TOML value (false, 500, ["NULL", ""], "\t") or else the text itself (;  ,
/// %m/%d/%Y %H:%M). A per-column date format may also name a column `trained` holds as
/// datetime. A bad one is a kUsage error "<option> KEY=VALUE: ..." naming it.
ReadOptions OverrideReadOptions(const ReadOptions& base, const std::vector<std::string>& overrides,
                                const std::string& option, const Schema& trained);

/// A fitted pipeline and what it was trained on. Loading one runs no code.
struct Model {
  static constexpr const char* kFormat = "outcore-model";
  static constexpr int kFormatMajor = 1;
  static constexpr int kFormatMinor = 0;

  std::string outcore_version;
  std::string created;     // ISO 8601 UTC
  ReadOptions read;        // how inputs were read
  Schema input_schema;     // the columns predict reads, with the types fit read them as
  Target target;
  Field target_field;      // the target column as read at fit
  Pipeline pipeline;
  Json training;           // sources, rows, positive rate, fingerprint, options
  Json metrics;            // {"train": {...}, "test": {...}}
  std::string fingerprint; // xxh3 of the saved file's bytes (set by Save/Load)
};

Json ModelToJson(const Model& model);
/// Validates everything; throws kModel errors that name what is wrong.
Model ModelFromJson(const Json& json);
/// Writes the model atomically (temporary file + rename).
void SaveModel(Model& model, const std::string& path);
/// Reads a model file, refusing files over `max_bytes`, unknown formats and major versions.
Model LoadModel(const std::string& path, int64_t max_bytes = 64 << 20);
/// A model file's text (held in memory: a pickle, a database column) read as LoadModel reads
/// the file, with the same caps.
Model ModelFromText(const std::string& text, int64_t max_bytes = 64 << 20);

}  // namespace outcore
