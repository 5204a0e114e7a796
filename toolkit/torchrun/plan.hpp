#pragma once

#include <string>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/launchers/environment_list.hpp"
#include "toolkit/process/command.hpp"

namespace optml::torchrun {

struct TorchrunOptions {
    // The torchrun command, e.g. {"python3", "/path/torchrun_py311.py"} where Debian's torch
    // 1.13 torchrun crashes on Python 3.11. A name is resolved on PATH by whoever spawns it.
    std::vector<std::string> torchrun = {"torchrun"};
    int master_port = 7777;
    std::vector<std::string> extra_arguments;  // before the script, e.g. {"--log_dir", DIR}
};

struct TorchrunPlan {
    long long nnodes = 1;
    long long nproc_per_node = 1;
    long long node_rank = 0;
    std::string master_addr;
    // Added to the program's environment unless it already names them (a user's own setting
    // wins): the interface collectives use, as the reference sets NCCL_SOCKET_IFNAME; gloo
    // needs GLOO_SOCKET_IFNAME where a host resolves its own name to a loopback address.
    launchers::Variables environment_additions;
    process::Command command;
};

// `torchrun --nnodes N --nproc_per_node P [--master_addr M --master_port 7777 --node_rank i]
// SCRIPT ARGS` for this host; the multi-node options only with several nodes, as in the
// reference. Module entry points (-m, and packages) run with --module. Throws
// errors::Error(EntryPoint) for a command or SAGEMAKER_TRAINING_MODULE entry point, and
// errors::Error(Configuration) when the current host is not a distribution host.
TorchrunPlan plan_torchrun(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const TorchrunOptions& options = {});

}  // namespace optml::torchrun
