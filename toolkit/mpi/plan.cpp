#include "toolkit/mpi/plan.hpp"

#include <algorithm>

#include "toolkit/launchers/distribution_hosts.hpp"
#include "toolkit/launchers/environment_list.hpp"
#include "toolkit/launchers/job_parameters.hpp"
#include "toolkit/launchers/processes_per_host.hpp"
#include "toolkit/launchers/shell_words.hpp"
#include "toolkit/mpi/options.hpp"
#include "toolkit/mpi/rank_exports.hpp"

namespace optml::mpi {

namespace {

std::string host_list(const std::vector<std::string>& hosts, long long processes_per_host) {
    std::string list;
    for (const std::string& host : hosts) {
        if (!list.empty()) list += ",";
        list += host + ":" + std::to_string(processes_per_host);
    }
    return list;
}

std::vector<std::string> default_words(const config::TrainingEnv& env,
                                       const std::vector<std::string>& program_environment,
                                       const MpiOptions& options, long long processes_per_host,
                                       long long num_processes) {
    const std::string& interface = env.network_interface_name;
    std::vector<std::string> words = {
        "--host",
        host_list(env.distribution_hosts, processes_per_host),
        "-np",
        std::to_string(num_processes),
        "--allow-run-as-root",
        "--display-map",
        "--tag-output",
        "-mca",
        "btl_tcp_if_include",
        interface,
        "-mca",
        "oob_tcp_if_include",
        interface,
        "-mca",
        "plm_rsh_no_tree_spawn",
        "1",
        "-bind-to",
        "none",
        "-map-by",
        "slot",
        "-mca",
        "pml",
        "ob1",
        "-mca",
        "btl",
        "^openib",
        "-mca",
        "orte_abort_on_non_zero_status",
        "1",
        "-mca",
        "btl_vader_single_copy_mechanism",
        "none",
        "-x",
        "NCCL_MIN_NRINGS=4",
        "-x",
        "NCCL_SOCKET_IFNAME=" + interface,
        "-x",
        "NCCL_DEBUG=INFO",
    };
    // mpirun warns about an exported name it cannot find in its own environment.
    for (const char* name : {"LD_LIBRARY_PATH", "PATH"}) {
        if (launchers::environment_value(program_environment, name)) {
            words.insert(words.end(), {"-x", name});
        }
    }
    if (options.hostname_shim) {
        words.insert(words.end(), {"-x", "LD_PRELOAD=" + *options.hostname_shim});
    }
    return words;
}

std::vector<std::string> rank_command(const entry::LaunchPlan& launch, const MpiOptions& options) {
    std::vector<std::string> command = options.rank_wrapper;
    command.insert(command.end(), options.program_prefix.begin(), options.program_prefix.end());
    const entry::ProgramSpec& program = launch.program_spec;
    if (program.runs_under_python()) {
        command.insert(command.end(), {program.interpreter, "-m", "mpi4py"});
    }
    const std::vector<std::string> rest = entry::python_arguments(program);
    command.insert(command.end(), rest.begin(), rest.end());
    return command;
}

process::Command sshd_command(const std::vector<std::string>& program_environment,
                              const MpiOptions& options) {
    process::Command sshd;
    sshd.executable = options.sshd;
    sshd.argv = {options.sshd, "-D"};
    // sshd gives sessions a fresh login environment, so it needs none of the job's variables.
    if (auto path = launchers::environment_value(program_environment, "PATH"))
        sshd.env = {"PATH=" + *path};
    sshd.cwd = "/";
    return sshd;
}

}  // namespace

MpiPlan plan_mpi(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                 const MpiOptions& options) {
    MpiPlan plan;
    const std::size_t index = launchers::distribution_index(env);
    plan.hosts = env.distribution_hosts;
    plan.leader = plan.hosts.front();
    plan.role = index == 0 ? MpiRole::Leader : MpiRole::Worker;
    plan.processes_per_host = launchers::processes_per_host(env);
    plan.num_processes =
        launchers::positive_int_parameter(env, launchers::kMpiNumProcesses)
            .value_or(plan.processes_per_host * static_cast<long long>(plan.hosts.size()));
    plan.sshd = sshd_command(launch.program.env, options);
    plan.wait.port = options.ssh_port;
    plan.wait.interval = options.poll_interval;

    // Every host checks the options, so a typo fails all of them at once instead of leaving
    // workers waiting for a leader that never starts.
    const std::vector<std::string>& program_environment = launch.program.env;
    std::vector<MpiOption> custom = parse_mpi_options(
        launchers::split_shell_words(launchers::string_parameter(env, launchers::kMpiCustomOptions),
                                     launchers::kMpiCustomOptions),
        launchers::kMpiCustomOptions);
    std::vector<MpiOption> merged = merge_mpi_options(
        parse_mpi_options(default_words(env, program_environment, options, plan.processes_per_host,
                                        plan.num_processes),
                          "defaults"),
        custom);

    process::Command mpirun;
    mpirun.executable = options.mpirun;
    mpirun.argv.push_back(options.mpirun);
    std::vector<std::string> exported;
    for (const MpiOption& option : merged) {
        mpirun.argv.insert(mpirun.argv.end(), option.words.begin(), option.words.end());
        if (std::string name = exported_name(option); !name.empty()) exported.push_back(name);
    }
    for (const std::string& name : rank_variable_names(program_environment)) {
        if (std::find(exported.begin(), exported.end(), name) != exported.end()) continue;
        mpirun.argv.insert(mpirun.argv.end(), {"-x", name});
        exported.push_back(name);
    }
    plan.exported_names = std::move(exported);
    std::vector<std::string> ranks = rank_command(launch, options);
    mpirun.argv.insert(mpirun.argv.end(), ranks.begin(), ranks.end());
    mpirun.env = program_environment;
    mpirun.cwd = launch.program.cwd;  // remote ranks start in mpirun's cwd too

    if (plan.is_leader()) {
        plan.wait.hosts.assign(plan.hosts.begin() + 1, plan.hosts.end());
        plan.wait.timeout = options.workers_timeout;
        plan.mpirun = std::move(mpirun);
    } else {
        plan.wait.hosts = {plan.leader};
        plan.wait.timeout = options.job_start_timeout;
        plan.job_start_timeout = options.job_start_timeout;
    }
    return plan;
}

}  // namespace optml::mpi
