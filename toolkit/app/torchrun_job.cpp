#include "toolkit/app/torchrun_job.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "toolkit/app/program_search.hpp"
#include "toolkit/app/started_program.hpp"
#include "toolkit/launchers/shell_words.hpp"
#include "toolkit/launchers/torchrun_failure.hpp"
#include "toolkit/launchers/torchrun_plan.hpp"
#include "toolkit/logging/log.hpp"

namespace optml::app {

namespace {

// Without --log_dir torchrun leaves a /tmp/torchelastic_* folder behind after every job.
class TemporaryDirectory {
  public:
    TemporaryDirectory() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "optml-torchrun-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw errors::Error(errors::ErrorKind::Internal,
                                "cannot create a log folder for torchrun: " +
                                    std::string(std::strerror(errno)) + ".");
        }
        path_ = pattern;
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace

reporting::Verdict run_torchrun_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                                    const config::Settings& settings,
                                    const process::SupervisorOptions& supervision) {
    const TemporaryDirectory logs;
    launchers::TorchrunOptions options;
    options.torchrun = launchers::split_shell_words(settings.torchrun, "OPTML_TORCHRUN");
    if (options.torchrun.empty()) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "The environment variable OPTML_TORCHRUN is empty.");
    }
    // A restart would re-run the script on this host only while the other hosts' ranks wait
    // on a group that no longer exists: fail the job instead.
    options.extra_arguments = {"--max_restarts", "0", "--log_dir", logs.path().string()};
    const launchers::TorchrunPlan plan = launchers::plan_torchrun(env, launch, options);
    const process::Command torchrun = resolved_on_path(plan.command);

    const std::string node =
        "node " + std::to_string(plan.node_rank) + " of " + std::to_string(plan.nnodes);
    logging::info("starting torchrun as " + node + ", " + std::to_string(plan.nproc_per_node) +
                  " processes per node, master " + plan.master_addr);
    process::Outcome outcome = process::run_supervised(torchrun, supervision);
    require_started(outcome, "torchrun (" + torchrun.executable + ")");
    logging::info("torchrun exited with " + std::to_string(outcome.exit_code()));
    if (outcome.succeeded()) return reporting::success();

    const launchers::TorchrunFailure failure =
        launchers::read_torchrun_failure(outcome.stderr_tail);
    // The last traceback in torchrun's stderr is its own ChildFailedError; the ErrorMessage
    // should show the worker's instead. Without one, torchrun's summary is the best there is.
    if (!failure.traceback.empty()) outcome.stderr_tail = failure.traceback;
    return reporting::verdict_for_program(
        outcome,
        launchers::describe(failure, "torchrun failed on " + env.current_host + " (" + node + ")"));
}

}  // namespace optml::app
