#include "toolkit/torchrun/job.hpp"

#include <system_error>

#include "toolkit/launchers/program_search.hpp"
#include "toolkit/launchers/shell_words.hpp"
#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/system/temporary_path.hpp"
#include "toolkit/torchrun/failure.hpp"
#include "toolkit/torchrun/plan.hpp"

namespace optml::torchrun {

namespace {

// Without --log_dir torchrun leaves a /tmp/torchelastic_* folder behind after every job.
system::TemporaryDirectory log_folder() {
    try {
        return system::TemporaryDirectory("optml-torchrun-");
    } catch (const std::system_error& error) {
        throw errors::Error(
            errors::ErrorKind::Internal,
            "cannot create a log folder for torchrun: " + error.code().message() + ".");
    }
}

}  // namespace

reporting::Verdict run_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const config::Settings& settings,
                           const process::SupervisorOptions& supervision) {
    const system::TemporaryDirectory logs = log_folder();
    torchrun::TorchrunOptions options;
    options.torchrun = launchers::split_shell_words(settings.torchrun, "OPTML_TORCHRUN");
    if (options.torchrun.empty()) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "The environment variable OPTML_TORCHRUN is empty.");
    }
    // A restart would re-run the script on this host only while the other hosts' ranks wait
    // on a group that no longer exists: fail the job instead.
    options.extra_arguments = {"--max_restarts", "0", "--log_dir", logs.path().string()};
    const torchrun::TorchrunPlan plan = torchrun::plan_torchrun(env, launch, options);
    const process::Command torchrun = launchers::resolved_on_path(plan.command);

    const std::string node =
        "node " + std::to_string(plan.node_rank) + " of " + std::to_string(plan.nnodes);
    logging::info("starting torchrun as " + node + ", " + std::to_string(plan.nproc_per_node) +
                  " processes per node, master " + plan.master_addr);
    const process::Outcome outcome = process::run_supervised(torchrun, supervision);
    launchers::require_started(outcome, "torchrun (" + torchrun.executable + ")");
    logging::info("torchrun exited with " + std::to_string(outcome.exit_code()));
    if (outcome.succeeded()) return reporting::success();

    const torchrun::TorchrunFailure failure = torchrun::read_torchrun_failure(outcome.stderr_tail);
    // The last traceback in torchrun's stderr is its own ChildFailedError; the ErrorMessage
    // should show the worker's instead. Without one, torchrun's summary is the best there is.
    reporting::FailureDetail detail;
    detail.summary =
        describe(failure, "torchrun failed on " + env.current_host + " (" + node + ")");
    if (!failure.traceback.empty()) detail.error_text = failure.traceback;
    return reporting::verdict_for_program(outcome, detail);
}

}  // namespace optml::torchrun
