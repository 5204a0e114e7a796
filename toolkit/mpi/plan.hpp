#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/command.hpp"

namespace optml::mpi {

struct MpiOptions {
    std::string mpirun = "mpirun";  // a name is resolved on PATH by whoever spawns it
    std::string sshd = "/usr/sbin/sshd";
    int ssh_port = 22;
    // Put before the program on every rank. mpirun gives all ranks the leader's values, so the
    // wrapper, running on the rank's own host, sets SM_CURRENT_HOST and CURRENT_HOST from that
    // host's resourceconfig.json, announces the host (mpi_output_filter.hpp) and execs the rest
    // of its argv (no shell). Empty: no wrapper.
    std::vector<std::string> rank_wrapper;
    // Put between the rank wrapper and the program, e.g. SMDataParallel's `smddprun`.
    std::vector<std::string> program_prefix;
    // The gethostname() shim ranks load (LD_PRELOAD), so code asking the OS for its host name
    // gets algo-N as in the reference. Unset: no shim.
    std::optional<std::string> hostname_shim;
    std::chrono::seconds workers_timeout{300};    // leader: every worker's sshd must answer
    std::chrono::seconds job_start_timeout{600};  // worker: the leader's job must reach it
    std::chrono::milliseconds poll_interval{250};
};

// Hosts whose sshd must accept connections, polled without fixed sleeps.
struct HostWait {
    std::vector<std::string> hosts;
    int port = 22;
    std::chrono::seconds timeout{0};
    std::chrono::milliseconds interval{0};

    bool operator==(const HostWait&) const = default;
};

enum class MpiRole { Leader, Worker };

struct MpiPlan {
    MpiRole role = MpiRole::Worker;
    std::string leader;              // the first distribution host, where mpirun runs
    std::vector<std::string> hosts;  // the distribution hosts, in rank order
    long long processes_per_host = 1;
    long long num_processes = 1;
    process::Command sshd;  // started first on every host
    // Leader: every other distribution host; worker: the leader.
    HostWait wait;
    // Worker: how long the leader's job may take to reach this host (its orted appearing).
    std::chrono::seconds job_start_timeout{0};
    std::optional<process::Command> mpirun;  // leader only
    // Every variable mpirun exports to ranks ("-x"), in command-line order. The job's own
    // (SM_*, credentials, ...) go by name only: mpirun's environment holds their values, so
    // none appears on a command line or in a file.
    std::vector<std::string> exported_names;

    bool is_leader() const { return role == MpiRole::Leader; }
};

// The MPI launch for this host. The leader's mpirun runs `launch.program` on every rank,
// under `python -m mpi4py` for Python entry points so an uncaught exception aborts all ranks.
// Throws errors::Error(Configuration) for a malformed sagemaker_mpi_* hyperparameter or a
// current host outside the distribution hosts.
MpiPlan plan_mpi(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                 const MpiOptions& options = {});

}  // namespace optml::mpi
