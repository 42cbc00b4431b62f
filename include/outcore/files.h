#pragma once
/// Whole files: read one, or write one so that no reader ever sees it half written; and what
/// this process asked of S3 (s3:// inputs and outputs).
#include <cstdint>
#include <string>

namespace outcore {

/// Whole file as bytes; kIO error naming the path on failure.
std::string ReadFile(const std::string& path);
/// Writes `path.tmp-PID`, fsyncs, renames over `path`: readers never see a partial file.
void WriteFileAtomically(const std::string& path, const std::string& contents);

/// Whether `path` is an s3://bucket/key URI.
bool IsS3Uri(const std::string& path);

/// The S3 requests this process has made so far (all threads), and the bytes they moved.
struct S3Usage {
  int64_t requests = 0, retries = 0, bytes_received = 0, bytes_sent = 0;
};
S3Usage S3UsageSoFar();

}  // namespace outcore
