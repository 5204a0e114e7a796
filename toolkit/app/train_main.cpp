#include "toolkit/app/train_main.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <optional>
#include <string_view>

#include "toolkit/app/remote_function_job.hpp"
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
    "output/success or output/failure. SageMaker runs it with no arguments.";

// What an argument is called, without a value given as --name=value (it may be a secret).
std::string argument_name(const std::string& argument) {
    return argument.substr(0, argument.find('='));
}

// nullopt when the command line is fine; a ConfigurationError naming what is wrong otherwise.
// --help and --version are handled by `cli` itself (they throw CallForHelp/CallForVersion).
// `remote_function`'s arguments are the SDK's, read by remote/ (unknown ones ignored).
std::optional<errors::Error> command_line_error(CLI::App& cli, CLI::App& remote_function, int argc,
                                                char** argv) {
    cli.allow_extras();
    cli.parse(argc, argv);
    if (remote_function.parsed()) return std::nullopt;
    if (cli.remaining().empty()) return std::nullopt;
    std::string names;
    for (const std::string& argument : cli.remaining()) {
        names += (names.empty() ? "" : ", ") + argument_name(argument);
    }
    return errors::Error(errors::ErrorKind::Configuration,
                         "train takes no arguments (SageMaker runs it with none, see train "
                         "--help), but was given: " +
                             names + ".");
}

// The failure text as one log line: the class name, then the reason's lines.
std::string one_line(const std::string& failure_reason) {
    std::string line;
    const std::size_t class_end = failure_reason.find(":\n");
    std::size_t start = 0;
    if (class_end != std::string::npos) {
        line = failure_reason.substr(0, class_end) + ": ";
        start = class_end + 2;
    }
    for (std::size_t i = start; i < failure_reason.size(); ++i) {
        if (failure_reason[i] == '\n') {
            line += " | ";
        } else {
            line += failure_reason[i];
        }
    }
    return line;
}

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
    CLI::App cli(kDescription, "train");
    cli.set_version_flag("--version", std::string("optml train ") + OPTML_VERSION);
    CLI::App* remote_function = cli.add_subcommand(
        "remote-function",
        "Runs a SageMaker remote-function job (@remote, RemoteExecutor) from the SDK's container "
        "arguments: --s3_base_uri, --region, --client_python_version, ... (unknown ones are "
        "ignored).");
    remote_function->prefix_command();
    std::optional<errors::Error> bad_command_line;
    try {
        bad_command_line = command_line_error(cli, *remote_function, argc, argv);
    } catch (const CLI::Success& help_or_version) {
        return cli.exit(help_or_version);
    } catch (const CLI::ParseError& parse_error) {
        bad_command_line =
            errors::Error(errors::ErrorKind::Configuration,
                          std::string("train's command line is not valid: ") + parse_error.what() +
                              " (SageMaker runs train with no arguments, see train --help).");
    }

    process::become_subreaper();
    const system::EnvironmentSnapshot environment = system::EnvironmentSnapshot::from_process();
    const config::Paths paths = config::Paths::from_environment(environment);

    // The one catch: every failure becomes a verdict, reported in output/ and as exit code.
    reporting::Verdict verdict;
    try {
        if (bad_command_line) {
            verdict = reporting::verdict_for_error(*bad_command_line);
        } else if (remote_function->parsed()) {
            verdict = run_remote_function_job(remote_function->remaining(), environment);
        } else {
            verdict = run_training_job(environment);
        }
    } catch (const errors::Error& error) {
        verdict = reporting::verdict_for_error(error);
    } catch (const std::exception& unexpected) {
        verdict = reporting::verdict_for_error(
            errors::Error(errors::ErrorKind::Internal,
                          std::string("optml hit an unexpected error: ") + unexpected.what()));
    }

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
