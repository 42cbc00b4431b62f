#pragma once
/// Whole files: read one, or write one so that no reader ever sees it half written.
#include <string>

namespace outcore {

/// Whole file as bytes; kIO error naming the path on failure.
std::string ReadFile(const std::string& path);
/// Writes `path.tmp-PID`, fsyncs, renames over `path`: readers never see a partial file.
void WriteFileAtomically(const std::string& path, const std::string& contents);

}  // namespace outcore
