#include "toolkit/mpi/job.hpp"

#include <filesystem>
#include <system_error>

#include "toolkit/cluster/port_wait.hpp"
#include "toolkit/launchers/program_search.hpp"
#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/mpi/failure.hpp"
#include "toolkit/mpi/hostname_shim.hpp"
#include "toolkit/mpi/job_status.hpp"
#include "toolkit/mpi/output_filter.hpp"
#include "toolkit/mpi/plan.hpp"
#include "toolkit/mpi/rank_wrapper.hpp"
#include "toolkit/process/helper_process.hpp"
#include "toolkit/system/own_executable.hpp"

namespace optml::mpi {

namespace {

// A worker whose train started after the leader's job already ended still gets the outcome
// if it asks within this long; every other worker is connected long before.
constexpr std::chrono::seconds kLateWorkerGrace{3};
constexpr std::chrono::seconds kSshdStopGrace{2};

std::string own_executable() {
    std::error_code error;
    const std::filesystem::path self = system::own_executable(error);
    if (error) {
        throw errors::Error(errors::ErrorKind::Internal,
                            "cannot find train's own executable for the MPI rank wrapper: " +
                                error.message() + ".");
    }
    return self.string();
}

mpi::MpiOptions mpi_options(const config::Settings& settings) {
    mpi::MpiOptions options;
    const std::string train = own_executable();
    options.rank_wrapper = {train, kRankModeFlag, "--"};
    options.hostname_shim = hostname_shim_beside(train);
    if (!options.hostname_shim) {
        logging::info(std::string("no usable ") + kHostnameShimName +
                      " beside train: ranks' gethostname() gives their machine's name");
    }
    options.workers_timeout =
        std::chrono::duration_cast<std::chrono::seconds>(settings.mpi_workers_timeout);
    options.job_start_timeout =
        std::chrono::duration_cast<std::chrono::seconds>(settings.mpi_job_start_timeout);
    return options;
}

// sshd refuses to start without its privilege separation directory, which images built
// without an init system (containers) often lack under a fresh /run.
process::HelperProcess start_sshd(const process::Command& sshd) {
    std::error_code ignored;
    std::filesystem::create_directories("/run/sshd", ignored);
    logging::info("starting " + sshd.executable);
    return process::HelperProcess(sshd);
}

reporting::Verdict lead(const mpi::MpiPlan& plan, const config::Settings& settings,
                        const process::SupervisorOptions& supervision,
                        const std::function<std::optional<reporting::Verdict>()>& after_job) {
    // Listening first lets workers connect whenever their train gets there.
    mpi::JobStatusServer status(settings.mpi_status_port);
    process::HelperProcess sshd = start_sshd(plan.sshd);
    cluster::wait_for_ports({plan.wait.hosts, plan.wait.port, plan.wait.timeout, plan.wait.interval,
                             "sshd", "OPTML_MPI_WORKERS_TIMEOUT"});

    const process::Command mpirun = launchers::resolved_on_path(*plan.mpirun);
    logging::info("starting mpirun: " + std::to_string(plan.num_processes) + " ranks on " +
                  std::to_string(plan.hosts.size()) + " hosts");
    mpi::MpiOutputFilter stdout_filter;
    mpi::MpiOutputFilter stderr_filter;
    process::SupervisorOptions tagged = supervision;
    tagged.stdout_filter = &stdout_filter;
    tagged.stderr_filter = &stderr_filter;
    const process::Outcome outcome = process::run_supervised(mpirun, tagged);
    status.announce(outcome.succeeded(), plan.hosts.size() - 1, kLateWorkerGrace);
    sshd.stop(kSshdStopGrace);
    launchers::require_started(outcome, "mpirun (" + mpirun.executable + ")");
    logging::info("mpirun exited with " + std::to_string(outcome.exit_code()));
    if (after_job) {
        if (std::optional<reporting::Verdict> own = after_job()) return *own;
    }
    if (outcome.succeeded()) return reporting::success();

    // Ranks announce their host on both streams: the stderr filter knows them all.
    const mpi::RankFailure failure =
        mpi::find_failed_rank(outcome.stderr_tail, stderr_filter.hosts());
    // The failing rank's own traceback, not the last one printed (another rank's, or mixed).
    const std::string rank = mpi::describe(failure);
    return reporting::verdict_for_program(
        outcome,
        reporting::FailureDetail{
            rank.empty() ? "The MPI job failed." : "The MPI job failed at " + rank,
            failure.traceback.empty() ? mpi::untagged(outcome.stderr_tail) : failure.traceback});
}

reporting::Verdict follow(const mpi::MpiPlan& plan, const config::Settings& settings,
                          const std::function<std::optional<reporting::Verdict>()>& after_job) {
    process::HelperProcess sshd = start_sshd(plan.sshd);
    const mpi::JobEnd end =
        mpi::wait_for_job_end({plan.leader, settings.mpi_status_port, plan.wait.timeout,
                               plan.wait.interval, "OPTML_MPI_JOB_START_TIMEOUT"});
    sshd.stop(kSshdStopGrace);
    if (after_job) {
        if (std::optional<reporting::Verdict> own = after_job()) return *own;
    }
    switch (end) {
        case mpi::JobEnd::Succeeded:
            logging::info("the leader " + plan.leader + " reports that the MPI job succeeded");
            return reporting::success();
        case mpi::JobEnd::Failed:
            throw errors::Error(errors::ErrorKind::Cluster,
                                "The MPI job failed; the leader '" + plan.leader +
                                    "' names the failing rank in its output/failure.");
        case mpi::JobEnd::LeaderLost:
            break;
    }
    throw errors::Error(errors::ErrorKind::Cluster,
                        "The leader '" + plan.leader +
                            "' ended or became unreachable before reporting the MPI job's "
                            "outcome.");
}

}  // namespace

reporting::Verdict run_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const config::Settings& settings,
                           const process::SupervisorOptions& supervision,
                           const std::vector<std::string>& program_prefix,
                           const std::function<std::optional<reporting::Verdict>()>& after_job) {
    mpi::MpiOptions options = mpi_options(settings);
    options.program_prefix = program_prefix;
    const mpi::MpiPlan plan = mpi::plan_mpi(env, launch, options);
    logging::info(std::string("MPI ") + (plan.is_leader() ? "leader" : "worker") + " of " +
                  std::to_string(plan.hosts.size()) + " hosts, " +
                  std::to_string(plan.processes_per_host) + " processes per host");
    return plan.is_leader() ? lead(plan, settings, supervision, after_job)
                            : follow(plan, settings, after_job);
}

}  // namespace optml::mpi
