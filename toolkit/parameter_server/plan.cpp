#include "toolkit/parameter_server/plan.hpp"

#include "toolkit/bootstraps/bootstraps.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/distribution_hosts.hpp"
#include "toolkit/launchers/program_shape.hpp"
#include "toolkit/parameter_server/tf_config.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::parameter_server {

namespace {

constexpr const char* kMxnetServerBootstrap = "import mxnet";

std::string hyperparameter_text(const config::TrainingEnv& env, std::string_view name,
                                std::string fallback) {
    const pyjson::Value* value = env.hyperparameters.find(name);
    return value == nullptr ? fallback : pyjson::str(*value);
}

process::Command server_command(const entry::LaunchPlan& launch,
                                const ParameterServerOptions& options,
                                launchers::Variables additions) {
    process::Command command;
    if (!options.server_command.empty()) {
        command.argv = options.server_command;
    } else {
        if (!launchers::runs_under_python(launch.kind)) {
            throw errors::Error(errors::ErrorKind::EntryPoint,
                                "Parameter servers start with the job's Python interpreter, but "
                                "the entry point is a " +
                                    std::string(entry::kind_name(launch.kind)) + ".");
        }
        launchers::require_python_shape(launch.program);
        const std::string bootstrap = options.flavour == ParameterServerFlavour::Mxnet
                                          ? kMxnetServerBootstrap
                                          : std::string(bootstraps::tf_ps_server());
        command.argv = {launch.program.executable, "-c", bootstrap};
    }
    command.executable = command.argv.front();
    command.env = launchers::with_variables(launch.program.env, additions);
    command.cwd = launch.program.cwd;
    return command;
}

launchers::Variables dmlc_variables(const config::TrainingEnv& env,
                                    const ParameterServerOptions& options,
                                    const std::string& role) {
    const std::string count = std::to_string(env.distribution_hosts.size());
    return {
        {"DMLC_NUM_WORKER", count},
        {"DMLC_NUM_SERVER", count},
        {"DMLC_ROLE", role},
        {"DMLC_PS_ROOT_URI", options.root_address.value_or(env.distribution_hosts.front())},
        {"DMLC_PS_ROOT_PORT", hyperparameter_text(env, "_ps_port", "8000")},
        {"PS_VERBOSE", hyperparameter_text(env, "_ps_verbose", "0")},
    };
}

void plan_mxnet(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                const ParameterServerOptions& options, std::size_t index,
                ParameterServerPlan& plan) {
    if (index == 0) {
        plan.servers.push_back(
            {"scheduler",
             server_command(launch, options, dmlc_variables(env, options, "scheduler"))});
    }
    plan.servers.push_back(
        {"server", server_command(launch, options, dmlc_variables(env, options, "server"))});
    plan.program_additions = dmlc_variables(env, options, "worker");
}

void plan_tensorflow(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                     const ParameterServerOptions& options, ParameterServerPlan& plan) {
    const auto& hosts = env.distribution_hosts;
    if (hosts.size() < 2) return;
    launchers::Variables ps = {
        {"TF_CONFIG", tf_config(hosts, env.current_host, TfTask::ParameterServer)},
        {"CUDA_VISIBLE_DEVICES", ""}};
    plan.servers.push_back({"ps", server_command(launch, options, ps)});
    plan.program_additions = {{"TF_CONFIG", tf_config(hosts, env.current_host, TfTask::Training)}};
}

}  // namespace

ParameterServerPlan plan_parameter_server(const config::TrainingEnv& env,
                                          const entry::LaunchPlan& launch,
                                          const ParameterServerOptions& options) {
    ParameterServerPlan plan;
    const std::size_t index = launchers::distribution_index(env);
    if (options.flavour == ParameterServerFlavour::Mxnet) {
        plan_mxnet(env, launch, options, index, plan);
    } else {
        plan_tensorflow(env, launch, options, plan);
    }
    plan.program = launch.program;
    plan.program.env = launchers::with_variables(launch.program.env, plan.program_additions);
    return plan;
}

}  // namespace optml::parameter_server
