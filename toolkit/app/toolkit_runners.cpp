#include "toolkit/app/toolkit_runners.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/environment_list.hpp"
#include "toolkit/launchers/job_parameters.hpp"

namespace optml::app {

namespace {

// The reference's PT-XLA ports.
constexpr int kXlaWorkerPort = 43857;
constexpr int kXlaMeshServicePort = 53957;
constexpr int kSmDataParallelServerPort = 7592;
constexpr std::string_view kDataParallelCustomOptions =
    "sagemaker_distributed_dataparallel_custom_mpi_options";

// The reference's instance lists for EFA: the simple protocol for out-of-order delivery, and
// device RDMA where the instance has it.
constexpr std::array<std::string_view, 7> kEfaNcclInstances = {
    "ml.g4dn.8xlarge", "ml.g4dn.12xlarge", "ml.g5.48xlarge", "ml.p3dn.24xlarge",
    "ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.p5.48xlarge"};
constexpr std::array<std::string_view, 3> kEfaRdmaInstances = {
    "ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.p5.48xlarge"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// sagemaker_instance_type, else (heterogeneous clusters) the current instance type.
std::string instance_type(const config::TrainingEnv& env) {
    const pyjson::Value* type = env.additional_framework_parameters.find("sagemaker_instance_type");
    if (type != nullptr && type->is_str() && !type->as_str().empty()) return type->as_str();
    return env.current_instance_type;
}

}  // namespace

entry::LaunchPlan pytorch_xla_launch(const config::TrainingEnv& env, entry::LaunchPlan launch) {
    if (env.hardware.gpus <= 0) {
        throw errors::Error(errors::ErrorKind::EntryPoint,
                            "Distributed training through PT-XLA (PyTorchXLA) is only supported "
                            "on GPUs, and this host has none.");
    }
    entry::ProgramSpec& program = launch.program_spec;
    if (program.form != entry::ProgramSpec::Form::PythonScript) {
        throw errors::Error(errors::ErrorKind::EntryPoint,
                            "Distributed training through PT-XLA (PyTorchXLA) runs a Python "
                            "script; the entry point is a " +
                                std::string(entry::kind_name(launch.kind)) + ".");
    }
    const std::string gpus = std::to_string(env.hardware.gpus);
    std::vector<std::string> arguments = {"--num_gpus", gpus, program.target};
    arguments.insert(arguments.end(), program.arguments.begin(), program.arguments.end());
    program = {entry::ProgramSpec::Form::PythonModule, program.interpreter,
               "torch_xla.distributed.xla_spawn", std::move(arguments)};
    launch.program.argv = entry::program_argv(program);

    const auto rank = std::find(env.hosts.begin(), env.hosts.end(), env.current_host);
    std::string workers;
    for (std::size_t i = 0; i < env.hosts.size(); ++i) {
        if (!workers.empty()) workers += "|";
        workers += "localservice:" + std::to_string(i) + ";" + env.hosts[i] + ":" +
                   std::to_string(kXlaWorkerPort);
    }
    launchers::Variables variables = {
        {"NCCL_DEBUG", "info"},
        {"NCCL_PROTO", "simple"},
        {"FI_EFA_USE_DEVICE_RDMA", "1"},
        {"OFI_NCCL_NIC_DUP_CONNS", gpus},
        {"XRT_HOST_ORDINAL", std::to_string(rank - env.hosts.begin())},
        {"XRT_SHARD_WORLD_SIZE", std::to_string(env.hosts.size())},
        {"XRT_WORKERS", workers},
        {"GPU_NUM_DEVICES", gpus},
    };
    if (env.hosts.size() > 1) {
        variables.emplace_back("XRT_MESH_SERVICE_ADDRESS",
                               env.master_hostname + ":" + std::to_string(kXlaMeshServicePort));
    }
    launch.program.env = launchers::with_variables(std::move(launch.program.env), variables);
    return launch;
}

void use_smdataparallel_options(config::TrainingEnv& env) {
    const std::size_t hosts = env.distribution_hosts.size();
    std::string options = "--oversubscribe -mca plm_rsh_num_concurrent " + std::to_string(hosts);
    options +=
        hosts > 1 ? " -x SMDATAPARALLEL_USE_HOMOGENEOUS=1" : " -x SMDATAPARALLEL_USE_SINGLENODE=1";
    options += " -x FI_PROVIDER=efa -x RDMAV_FORK_SAFE=1";
    const std::string type = instance_type(env);
    if (listed(kEfaNcclInstances, type)) options += " -x NCCL_PROTO=simple";
    if (listed(kEfaRdmaInstances, type)) options += " -x FI_EFA_USE_DEVICE_RDMA=1";
    if (hosts > 1) {
        options += " -x SMDATAPARALLEL_SERVER_ADDR=" + env.master_hostname +
                   " -x SMDATAPARALLEL_SERVER_PORT=" + std::to_string(kSmDataParallelServerPort);
        if (!type.empty()) options += " -x SAGEMAKER_INSTANCE_TYPE=" + type;
    }
    const std::string custom = launchers::string_parameter(env, kDataParallelCustomOptions);
    if (!custom.empty()) options += " " + custom;
    env.additional_framework_parameters.set(std::string(launchers::kMpiCustomOptions), options);
}

std::vector<std::string> smdataparallel_prefix(const config::TrainingEnv& env) {
    if (env.hardware.smddprun_installed) return {"smddprun"};
    return {};
}

}  // namespace optml::app
