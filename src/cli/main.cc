// The `outcore` command: parses arguments, runs one subcommand, maps errors to exit codes.
#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "cli/commands.h"
#include "outcore/error.h"

int main(int argc, char** argv) {
  CLI::App app{"outcore: fit a pipeline on data that fits in memory, score data that does not.\n"
               "Run 'outcore COMMAND --help' for the options of a command."};
  app.set_version_flag("--version", "outcore " OUTCORE_VERSION);
  app.require_subcommand(1);
  // Past a file-size limit, write() then fails with EFBIG and the error names the file,
  // instead of the process dying of SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  outcore::cli::AddGenTaxiCommand(app);
  outcore::cli::AddFitCommand(app);
  outcore::cli::AddPredictCommand(app);
  outcore::cli::AddInspectCommand(app);
  outcore::cli::AddStepsCommand(app);
  outcore::cli::AddSampleCommand(app);
  outcore::cli::AddEvaluateCommand(app);
  outcore::cli::AddLearningCurveCommand(app);
  outcore::cli::AddTuneCommand(app);
  outcore::cli::AddImportXGBoostCommand(app);
  // CLI11 reports a mistyped command as "A subcommand is required"; name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (CLI::App* command : app.get_subcommands({})) {
      found = found || command->check_name(argv[1]);
      known += (known.empty() ? "" : ", ") + command->get_name();
    }
    if (!found) {
      std::fprintf(stderr, "outcore: error: unknown command '%s'; the commands are: %s\n", argv[1],
                   known.c_str());
      return static_cast<int>(outcore::ErrorCode::kUsage);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(outcore::ErrorCode::kUsage);
  } catch (const outcore::Error& e) {
    std::fprintf(stderr, "outcore: error: %s\n", e.what());
    // Stopped by SIGINT or SIGTERM: 130 or 143, as a shell reports a process a signal killed.
    if (int signal = outcore::cli::StoppingSignal()) return 128 + signal;
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    // The last resort: fit checks the size of what it makes first (--memory-limit), but
    // whatever else runs out of memory ends here, with a message instead of a crash.
    std::fprintf(stderr,
                 "outcore: error: out of memory while running '%s' (a memory allocation "
                 "failed); give it less data or fewer threads, or more memory\n",
                 argc > 1 ? argv[1] : "outcore");
    return static_cast<int>(outcore::ErrorCode::kIO);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "outcore: internal error: %s\n", e.what());
    return static_cast<int>(outcore::ErrorCode::kInternal);
  }
  return 0;
}
