// Temporary: commands not yet written. Each is replaced by its own file.
#include "cli/commands.h"
namespace outcore::cli {
void AddFitCommand(CLI::App&) {}
void AddInspectCommand(CLI::App&) {}
void AddStepsCommand(CLI::App&) {}
void AddGenTaxiCommand(CLI::App&) {}
void AddPredictCommand(CLI::App&) {}
}  // namespace outcore::cli
