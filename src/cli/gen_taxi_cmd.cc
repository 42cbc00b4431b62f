// `outcore gen-taxi`: writes deterministic synthetic taxi trips for demos, tests and benchmarks.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "outcore/gen_taxi.h"

namespace outcore::cli {

void AddGenTaxiCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "gen-taxi",
      R"(Write synthetic NYC yellow-taxi trips as CSV in the layout of the public 2009 files.
Columns: vendor_name (VTS/CMT/DDS), Trip_Pickup_DateTime and Trip_Dropoff_DateTime
('YYYY-MM-DD HH:MM:SS', through 2009), Passenger_Count (1-6), Trip_Distance (miles),
Start_Lon, Start_Lat, End_Lon, End_Lat (around Manhattan), Rate_Code,
store_and_forward and mta_tax (always empty, as in 2009), Payment_Type (CASH/Cash,
CREDIT/Credit, Dispute, No Charge), Fare_Amt, surcharge, Tip_Amt, Tolls_Amt, and
Total_Amt = fare + surcharge + tip + tolls. Card payers usually tip, and more often on
long evening trips; cash tips are rare. The same --rows, --seed give the same bytes.)");
  auto options = std::make_shared<GenTaxiOptions>();
  auto output = std::make_shared<std::string>();
  cmd->add_option("--rows", options->rows, "Number of trips to write in total")->required();
  cmd->add_option("--files", options->files,
                  "Split the rows over this many files. With more than 1, -o names a directory "
                  "(created if needed) that receives taxi-000.csv, taxi-001.csv, ..., each with "
                  "a header; rows are identical to the single-file output")
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "Random seed; a different seed gives different trips")
      ->capture_default_str();
  AddThreadsOption(cmd, &options->threads,
                   "Worker threads, 0 = all cores; the output does not depend on it");
  cmd->add_option("-o,--output", *output,
                  "Output CSV file, or directory when --files > 1. Files are written under a "
                  "temporary name and renamed when complete")
      ->required();
  cmd->callback([options, output] {
    for (const std::string& path : GenerateTaxi(*options, *output)) {
      std::printf("%s\n", path.c_str());
    }
  });
}

}  // namespace outcore::cli
