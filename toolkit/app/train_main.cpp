#include "toolkit/app/train_main.hpp"

#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolkit/app/command.hpp"
#include "toolkit/app/remote_function_job.hpp"
#include "toolkit/app/run_entry_point.hpp"
#include "toolkit/app/training_job.hpp"
#include "toolkit/config/paths.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/mpi/rank_wrapper.hpp"
#include "toolkit/process/stop_requests.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

#ifndef OPTML_VERSION
#define OPTML_VERSION "unknown"
#endif

namespace optml::app {

namespace {

constexpr const char* kDescription =
    "Runs the SageMaker training job described under SAGEMAKER_BASE_DIR (default /opt/ml):\n"
    "reads input/config/*.json, exports the SM_* environment, runs the entry point named by\n"
    "sagemaker_program / SAGEMAKER_PROGRAM with the hyperparameters as arguments, and writes\n"
    "output/success or output/failure. SageMaker runs it with no arguments.\n"
    "Also: `train remote-function ARGS...` (a remote-function job, see train remote-function\n"
    "--help) and `train run-entry-point --spec FILE` (a framework toolkit's program).";

constexpr std::string_view kRemoteFunctionCommand = "remote-function";

constexpr const char* kRemoteFunctionHelp =
    "Usage: train remote-function --s3_base_uri URI [--region R] [--client_python_version X.Y]\n"
    "       [--client_sagemaker_pysdk_version V] [--dependency_settings JSON] ...\n"
    "Runs a SageMaker remote-function job (@remote, RemoteExecutor) from the SDK's container\n"
    "arguments; unknown arguments are ignored.\n";

}  // namespace

int train_main(int argc, char** argv) {
    // Rank mode execs the rank's program: checked before CLI11, which would take the
    // program's own options for train's, and before any signal is blocked, since the mask
    // would reach the program through exec.
    if (argc >= 2 && std::string_view(argv[1]) == mpi::kRankModeFlag)
        return mpi::run_rank(argc, argv);
    // train's own output is never worth dying for: a closed stderr or stdout must fail a
    // write with EPIPE, not kill train before it reports. process/ gives every child the
    // default disposition back before exec.
    std::signal(SIGPIPE, SIG_IGN);
    // Before any thread exists, so every thread inherits the block (see stop_requests.hpp).
    process::keep_stop_requests_pending();
    process::report_file_size_limit_as_error();
    if (argc >= 2 && std::string_view(argv[1]) == kRunEntryPointCommand) {
        process::become_subreaper();
        return run_entry_point_main(argc, argv);
    }
    // remote-function's arguments are the SDK's, read by remote/ (unknown ones ignored).
    const bool remote_function = argc >= 2 && std::string_view(argv[1]) == kRemoteFunctionCommand;
    std::vector<std::string> remote_function_arguments;
    CommandLine command_line;
    if (remote_function) {
        remote_function_arguments.assign(argv + 2, argv + argc);
        if (remote_function_arguments.size() == 1 &&
            (remote_function_arguments[0] == "--help" || remote_function_arguments[0] == "-h")) {
            std::cout << kRemoteFunctionHelp;
            return 0;
        }
    } else {
        command_line = read_command_line("train", OPTML_VERSION, kDescription, argc, argv);
        if (command_line.exit_now) return *command_line.exit_now;
    }

    process::become_subreaper();
    const system::EnvironmentSnapshot environment = system::EnvironmentSnapshot::from_process();
    const config::Paths paths = config::Paths::from_environment(environment);

    // The one catch: every failure becomes a verdict, reported in output/ and as exit code.
    const reporting::Verdict verdict = run_caught([&] {
        if (command_line.error) throw *command_line.error;
        if (remote_function) return run_remote_function_job(remote_function_arguments, environment);
        return run_training_job(environment);
    });

    // The reason goes to the log as well: output/ may be unwritable, and the log is what
    // people read first.
    if (verdict.succeeded()) {
        logging::info("training succeeded");
    } else {
        logging::error("training failed (exit code " + std::to_string(verdict.exit_code) +
                       "): " + one_line(*verdict.failure_reason));
    }
    if (reporting::publish(paths.output, verdict)) return verdict.exit_code;
    if (verdict.succeeded()) {
        logging::error("the job succeeded but output/success could not be written: exiting 1");
        return 1;
    }
    logging::error("the failure is reported through this log and exit code " +
                   std::to_string(verdict.exit_code) + " only");
    return verdict.exit_code;
}

}  // namespace optml::app
