#pragma once
// What a run is, for --resume to compare (internal; planned by PredictRun). The sinks compare
// identities with io/resume_check.h.
#include <string>
#include <vector>

#include "outcore/model.h"
#include "outcore/sink.h"

namespace outcore {

/// What a run is, for --resume to compare: the model, the inputs (a file's size and mtime; a
/// table's row count and newest row version), the split size, the output options but its place.
Json RunIdentity(const Model& model, const std::vector<std::string>& inputs, const OutputSpec& output,
                 int64_t split_size, size_t splits);

}  // namespace outcore
