#pragma once
// What a sink checks before it resumes an interrupted run: whether the run's identity (made by
// RunIdentity, exec/resume.h) allows it (internal; the file sink and the PostgreSQL sink).
#include <string>

#include "outcore/pipeline.h"

namespace outcore {

/// Whether a run described by `now` may resume the interrupted run described by `before`: the
/// same run, or one that only changes --on-bad-rows from stop to skip or reject. A run that
/// stopped at a bad row committed only parts without one, so they stand under either policy.
bool MayResume(const Json& before, const Json& now);

/// The kUsage error of a run described by `now` that may not resume the interrupted run
/// described by `before` (their identities differ); it names an input table that changed.
/// `where` starts the message (the output, without a password).
[[noreturn]] void RefuseResume(const std::string& where, const Json& before, const Json& now);

}  // namespace outcore
