#pragma once
// What --resume checks, shared by the executors and the sinks (internal).
#include <string>
#include <vector>

#include "outcore/predict.h"

namespace outcore {

/// What a run is, for --resume to compare: the model, the inputs (a file's size and mtime; a
/// table's row count and newest row version), the split size, the output options but its place.
Json RunIdentity(const Model& model, const std::vector<std::string>& inputs, const OutputSpec& output,
                 int64_t split_size, size_t splits);

/// Whether a run described by `now` may resume the interrupted run described by `before`: the
/// same run, or one that only changes --on-bad-rows from stop to skip or reject. A run that
/// stopped at a bad row committed only parts without one, so they stand under either policy.
bool MayResume(const Json& before, const Json& now);

/// The kUsage error of a run described by `now` that may not resume the interrupted run
/// described by `before` (their identities differ); it names an input table that changed.
/// `where` starts the message (the output, without a password).
[[noreturn]] void RefuseResume(const std::string& where, const Json& before, const Json& now);

}  // namespace outcore
