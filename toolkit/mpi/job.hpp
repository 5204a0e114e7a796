#pragma once

#include <functional>
#include <optional>

#include "toolkit/config/settings.hpp"
#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::mpi {

// The MPI job on this host, once the code and its requirements are in place.
//
// Leader (first distribution host): opens the job status port, starts sshd, waits for every
// worker's sshd (OPTML_MPI_WORKERS_TIMEOUT), runs mpirun under the supervisor and tells the
// workers how it ended. Its verdict names the failing rank, its host and its error line.
//
// Worker: starts sshd (mpirun's orted reaches this host through it), connects to the leader's
// status port (OPTML_MPI_JOB_START_TIMEOUT) and ends when the leader says the job ended:
// success, or errors::Error(Cluster) when the job failed or the leader went away.
//
// sshd runs as a HelperProcess (its own group, held by a pidfd) started before the
// supervisor: run_supervised's waitpid(-1) may reap it if it dies during the job, which the
// pidfd makes harmless, and it is stopped once the job is over.
// `program_prefix` goes before the program on every rank (SMDataParallel's smddprun).
// `after_job` runs on every host once the job has ended there: it collects what this host's
// ranks left behind, and the verdict it returns, if any, is this host's (a worker's own
// failure then ends it rather than the leader's word).
reporting::Verdict run_job(
    const config::TrainingEnv& env, const entry::LaunchPlan& launch,
    const config::Settings& settings, const process::SupervisorOptions& supervision,
    const std::vector<std::string>& program_prefix = {},
    const std::function<std::optional<reporting::Verdict>()>& after_job = {});

}  // namespace optml::mpi
