#include "toolkit/app/train_main.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string_view>

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

}  // namespace

int train_main(int argc, char** argv) {
    // Rank mode execs the rank's program: checked before CLI11, which would take the
    // program's own options for train's, and before any signal is blocked, since the mask
    // would reach the program through exec.
    if (argc >= 2 && std::string_view(argv[1]) == mpi::kRankModeFlag)
        return mpi::run_rank(argc, argv);
    // Before any thread exists, so every thread inherits the block (see stop_requests.hpp).
    process::keep_stop_requests_pending();
    CLI::App cli(kDescription, "train");
    cli.set_version_flag("--version", std::string("optml train ") + OPTML_VERSION);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& parse_error) {
        return cli.exit(parse_error);
    }

    process::become_subreaper();
    const system::EnvironmentSnapshot environment = system::EnvironmentSnapshot::from_process();
    const config::Paths paths = config::Paths::from_environment(environment);

    // The one catch: every failure becomes a verdict, reported in output/ and as exit code.
    reporting::Verdict verdict;
    try {
        verdict = run_training_job(environment);
    } catch (const errors::Error& error) {
        verdict = reporting::verdict_for_error(error);
    } catch (const std::exception& unexpected) {
        verdict = reporting::verdict_for_error(
            errors::Error(errors::ErrorKind::Internal,
                          std::string("optml hit an unexpected error: ") + unexpected.what()));
    }

    if (verdict.succeeded()) {
        logging::info("training succeeded");
    } else {
        logging::error("training failed: " +
                       verdict.failure_reason->substr(0, verdict.failure_reason->find('\n')));
    }
    bool reported = reporting::publish(paths.output, verdict);
    if (!reported && verdict.exit_code == 0) return 1;
    return verdict.exit_code;
}

}  // namespace optml::app
