#pragma once
// Each subcommand of the `outcore` CLI lives in its own file and registers itself here.
#include <CLI/CLI.hpp>

namespace outcore::cli {

void AddFitCommand(CLI::App& app);
void AddInspectCommand(CLI::App& app);
void AddStepsCommand(CLI::App& app);
void AddGenTaxiCommand(CLI::App& app);
void AddPredictCommand(CLI::App& app);
/// The signal (SIGINT, SIGTERM) that stopped a running predict, or 0.
int StoppingSignal();
void AddSampleCommand(CLI::App& app);
void AddEvaluateCommand(CLI::App& app);
void AddLearningCurveCommand(CLI::App& app);
void AddTuneCommand(CLI::App& app);
void AddImportXGBoostCommand(CLI::App& app);

}  // namespace outcore::cli
