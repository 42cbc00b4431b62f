#pragma once
/// GenerateTaxi: deterministic synthetic NYC yellow-taxi trips in the 2009 CSV layout.
#include <cstdint>
#include <string>
#include <vector>

namespace outcore {

/// The header line of the public 2009 trip files (without the newline).
extern const char kTaxiHeader[];

struct GenTaxiOptions {
  int64_t rows = 0;  // total rows over all files; must be >= 0
  int files = 1;     // 1: the path is the file; > 1: the path is a directory of taxi-NNN.csv
  uint64_t seed = 42;
  int threads = 0;  // 0 = all cores; the output is the same for any value
};

/// Writes the CSV file(s) and returns their paths in order. The same options always give
/// byte-identical files, and row i has the same content however the rows are split into
/// files. Each file is written under a temporary name and renamed when complete; missing
/// parent directories are created. Throws outcore::Error (kUsage for bad options, kIO naming
/// the path when it cannot be written).
std::vector<std::string> GenerateTaxi(const GenTaxiOptions& options, const std::string& path);

}  // namespace outcore
