// Fuzzes the pipeline-spec parser (TOML). Any input must parse and build, or fail with a
// model or usage error naming the spec. A spec that builds is fitted on a small CSV file;
// when the fit succeeds, the model must survive a save and load with the same predictions.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "outcore/fit.h"
#include "outcore/model.h"

namespace outcore::fuzz {
namespace {

// A few taxi-like rows with a missing value, an unseen category and mixed case.
constexpr char kTrainingCsv[] =
    "vendor_name,Trip_Pickup_DateTime,Passenger_Count,Trip_Distance,Payment_Type,Fare_Amt,"
    "surcharge,Tip_Amt\n"
    "VTS,2009-01-04 02:52:00,1,2.63,CASH,8.9,0.5,0\n"
    "CMT,2009-01-04 03:31:00,3,4.55,Credit,12.1,0,2.0\n"
    "DDS,2009-01-03 15:43:00,5,10.35,Credit,23.7,0,4.74\n"
    "VTS,2009-01-01 20:52:58,1,5,CASH,14.9,0.5,0\n"
    "CMT,2009-01-24 16:18:23,,0.4,Dispute,3.7,0,0\n"
    "XYZ,2009-01-16 22:35:59,2,1.2,credit,5.5,1,1.5\n"
    "VTS,2009-01-21 08:55:00,1,0.4,No Charge,3.7,0,0\n"
    "DDS,2009-01-04 04:31:00,2,1.72,Credit,6.1,0.5,1\n";

}  // namespace

void FuzzOne(const uint8_t* data, size_t size) {
  static ScratchFile csv(".csv");
  static const std::string& csv_path = csv.Write(kTrainingCsv);
  const std::string text(reinterpret_cast<const char*>(data), size);
  PipelineSpec spec;
  std::string error;
  if (!RunExpectingOnlyErrors([&] { spec = ParseSpec(text, "fuzz.toml"); spec.Build(); }, &error)) {
    FUZZ_CHECK(error.find("fuzz.toml") != std::string::npos, "error does not name the spec: " + error);
    return;
  }
  FitOptions options;
  options.threads = 1;
  options.test_size = 0;
  Model model;
  FitReport report;
  if (!RunExpectingOnlyErrors([&] { model = FitModel(spec, {csv_path}, options, &report); }))
    return;
  CheckSavedModelLoads(model);
}

}  // namespace outcore::fuzz
