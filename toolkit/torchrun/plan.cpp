#include "toolkit/torchrun/plan.hpp"

#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/distribution_hosts.hpp"
#include "toolkit/launchers/processes_per_host.hpp"
#include "toolkit/launchers/program_shape.hpp"

namespace optml::torchrun {

namespace {

// What torchrun starts on each rank: the script or module and its arguments, taken from the
// program entry::plan_launch built (`python SCRIPT ARGS` or `python -m MODULE ARGS`).
std::vector<std::string> torchrun_target(const entry::LaunchPlan& launch) {
    using entry::EntryPointKind;
    if (launch.kind == EntryPointKind::Command || launch.kind == EntryPointKind::FrameworkModule) {
        throw errors::Error(errors::ErrorKind::EntryPoint,
                            "torch_distributed runs Python scripts and modules; the entry point "
                            "is a " +
                                std::string(entry::kind_name(launch.kind)) + ".");
    }
    launchers::require_python_shape(launch.program);
    const std::vector<std::string>& argv = launch.program.argv;
    if (argv[1] == "-m") {
        if (argv.size() < 3) {
            throw errors::Error(errors::ErrorKind::Internal, "A module entry point has no name.");
        }
        std::vector<std::string> target = {"--module"};
        target.insert(target.end(), argv.begin() + 2, argv.end());
        return target;
    }
    return {argv.begin() + 1, argv.end()};
}

}  // namespace

TorchrunPlan plan_torchrun(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const TorchrunOptions& options) {
    if (options.torchrun.empty()) {
        throw errors::Error(errors::ErrorKind::Internal, "The torchrun command is empty.");
    }
    TorchrunPlan plan;
    plan.node_rank = static_cast<long long>(launchers::distribution_index(env));
    plan.nnodes = static_cast<long long>(env.distribution_hosts.size());
    plan.nproc_per_node = launchers::processes_per_host(env);
    plan.master_addr = env.distribution_hosts.front();

    process::Command& command = plan.command;
    command.executable = options.torchrun.front();
    command.argv = options.torchrun;
    command.argv.insert(command.argv.end(),
                        {"--nnodes", std::to_string(plan.nnodes), "--nproc_per_node",
                         std::to_string(plan.nproc_per_node)});
    if (plan.nnodes > 1) {
        command.argv.insert(command.argv.end(), {"--master_addr", plan.master_addr, "--master_port",
                                                 std::to_string(options.master_port), "--node_rank",
                                                 std::to_string(plan.node_rank)});
    }
    command.argv.insert(command.argv.end(), options.extra_arguments.begin(),
                        options.extra_arguments.end());
    std::vector<std::string> target = torchrun_target(launch);
    command.argv.insert(command.argv.end(), target.begin(), target.end());

    for (const char* name : {"NCCL_SOCKET_IFNAME", "GLOO_SOCKET_IFNAME"}) {
        if (!launchers::environment_value(launch.program.env, name)) {
            plan.environment_additions.emplace_back(name, env.network_interface_name);
        }
    }
    command.env = launchers::with_variables(launch.program.env, plan.environment_additions);
    command.cwd = launch.program.cwd;
    return plan;
}

}  // namespace optml::torchrun
