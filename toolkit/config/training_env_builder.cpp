#include "toolkit/config/training_env_builder.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "toolkit/config/config_files.hpp"
#include "toolkit/config/python_values.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::config {

namespace {

// Hyperparameters the toolkit itself consumes; they are neither passed to the program nor
// listed among the additional framework parameters.
constexpr std::array<std::string_view, 9> kToolkitHyperparameters = {
    "sagemaker_program",
    "sagemaker_submit_directory",
    "sagemaker_enable_cloudwatch_metrics",
    "sagemaker_region",
    "sagemaker_container_log_level",
    "sagemaker_job_name",
    "default_user_module_name",
    "_tuning_objective_metric",
    "sagemaker_s3_output",
};

// Any of these switches on distribution for the current group when the job does not list
// its distribution groups itself. The reference's, and optml's own XGBoost runner switch.
constexpr std::array<std::string_view, 8> kDistributionSwitches = {
    "sagemaker_mpi_enabled",
    "sagemaker_parameter_server_enabled",
    "sagemaker_distributed_dataparallel_enabled",
    "sagemaker_pytorch_ddp_enabled",
    "sagemaker_pytorch_xla_multi_worker_enabled",
    "sagemaker_multi_worker_mirrored_strategy_enabled",
    "sagemaker_torch_distributed_enabled",
    "sagemaker_xgboost_enabled",
};

constexpr std::string_view kResourceConfig = "resourceconfig.json";
constexpr std::string_view kHyperparameters = "hyperparameters.json";

bool is_toolkit_hyperparameter(std::string_view name) {
    return std::find(kToolkitHyperparameters.begin(), kToolkitHyperparameters.end(), name) !=
           kToolkitHyperparameters.end();
}

std::string optional_string(const pyjson::Dict& dict, std::string_view key,
                            std::string_view fallback, std::string_view file) {
    const pyjson::Value* value = dict.find(key);
    if (value == nullptr) return std::string(fallback);
    return require_string(*value, file, key);
}

struct InstanceGroups {
    std::vector<std::string> names;
    pyjson::Dict by_name;
    std::vector<std::pair<std::string, std::vector<std::string>>> hosts_by_group;  // config order
};

std::string host_text(const std::string& host) {
    return pyjson::repr(pyjson::Value(host));
}

// SageMaker writes each host once and the current host among them; a file that breaks this
// would make the reference (and train) wait for, or launch on, hosts that are not the job's.
void require_consistent_hosts(const std::vector<std::string>& hosts,
                              const std::string& current_host) {
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (hosts[i].empty()) {
            throw_configuration_error(kResourceConfig, "hosts", "must not hold an empty host name");
        }
        if (std::find(hosts.begin(), hosts.begin() + static_cast<std::ptrdiff_t>(i), hosts[i]) !=
            hosts.begin() + static_cast<std::ptrdiff_t>(i)) {
            throw_configuration_error(kResourceConfig, "hosts",
                                      "lists the host " + host_text(hosts[i]) + " twice");
        }
    }
    if (current_host.empty()) {
        throw_configuration_error(kResourceConfig, "current_host", "must not be empty");
    }
    if (std::find(hosts.begin(), hosts.end(), current_host) == hosts.end()) {
        throw_configuration_error(
            kResourceConfig, "current_host",
            "names " + host_text(current_host) + ", which the key 'hosts' does not list");
    }
}

InstanceGroups read_instance_groups(const pyjson::Dict& resource_config,
                                    const std::vector<std::string>& all_hosts) {
    InstanceGroups groups;
    const pyjson::Value* configured = resource_config.find("instance_groups");
    if (configured == nullptr) return groups;
    if (!configured->is_list()) {
        throw_configuration_error(kResourceConfig, "instance_groups", "must be a list of objects");
    }
    for (const pyjson::Value& group : configured->as_list()) {
        if (!group.is_dict()) {
            throw_configuration_error(
                kResourceConfig, "instance_groups",
                "must hold objects, found a " + std::string(group.type_name()));
        }
        const pyjson::Value* name = group.as_dict().find("instance_group_name");
        const pyjson::Value* hosts = group.as_dict().find("hosts");
        if (name == nullptr) {
            throw_configuration_error(kResourceConfig, "instance_groups[].instance_group_name",
                                      "is missing");
        }
        if (hosts == nullptr) {
            throw_configuration_error(kResourceConfig, "instance_groups[].hosts", "is missing");
        }
        std::string group_name =
            require_string(*name, kResourceConfig, "instance_groups[].instance_group_name");
        std::vector<std::string> group_hosts =
            require_string_list(*hosts, kResourceConfig, "instance_groups[].hosts");
        for (const std::string& host : group_hosts) {
            if (std::find(all_hosts.begin(), all_hosts.end(), host) == all_hosts.end()) {
                throw_configuration_error(kResourceConfig, "instance_groups[].hosts",
                                          "of the group " + host_text(group_name) + " names " +
                                              host_text(host) +
                                              ", which the key 'hosts' does not list");
            }
        }
        groups.names.push_back(group_name);
        groups.by_name.set(group_name, group);
        groups.hosts_by_group.emplace_back(group_name, std::move(group_hosts));
    }
    return groups;
}

bool distribution_switched_on(const pyjson::Dict& framework_parameters) {
    return std::any_of(kDistributionSwitches.begin(), kDistributionSwitches.end(),
                       [&](std::string_view name) {
                           const pyjson::Value* value = framework_parameters.find(name);
                           return value != nullptr && is_truthy(*value);
                       });
}

// The reference reads SM_HP_MP_PARAMETERS as `value and value != "{}"`: None when unset,
// the empty string itself when empty, else a bool.
pyjson::Value model_parallel_flag(const system::EnvironmentSnapshot& environment) {
    auto parameters = environment.get("SM_HP_MP_PARAMETERS");
    if (!parameters) return pyjson::Value();
    if (parameters->empty()) return pyjson::Value(std::string());
    return pyjson::Value(*parameters != "{}");
}

std::string region_from(const pyjson::Dict& toolkit_parameters,
                        const system::EnvironmentSnapshot& environment) {
    if (const pyjson::Value* region = toolkit_parameters.find("sagemaker_region")) {
        if (region->is_none()) return "";
        return require_string(*region, kHyperparameters, "sagemaker_region");
    }
    for (std::string_view variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
        auto value = environment.get(variable);
        if (value && !value->empty()) return *value;
    }
    return "";
}

}  // namespace

ConfigDocuments read_config_documents(const Paths& paths) {
    ConfigDocuments documents;
    documents.resource_config = read_config_object(paths.resource_config_file());
    documents.input_data_config = read_config_object(paths.input_data_config_file());
    documents.hyperparameters = read_config_object(paths.hyperparameters_file());
    return documents;
}

TrainingEnv build_training_env(const Paths& paths, const ConfigDocuments& documents,
                               const system::EnvironmentSnapshot& environment,
                               const hardware::HardwareCounts& hardware) {
    TrainingEnv env;
    env.paths = paths;
    env.hardware = hardware;
    env.resource_config = documents.resource_config;
    env.input_data_config = documents.input_data_config;
    const pyjson::Dict& resources = documents.resource_config;

    // The reference parses this variable with int() and then ignores it for the level.
    if (auto level_variable = environment.get("SAGEMAKER_CONTAINER_LOG_LEVEL")) {
        if (!parse_python_int(*level_variable)) {
            throw errors::Error(errors::ErrorKind::Configuration,
                                "The environment variable SAGEMAKER_CONTAINER_LOG_LEVEL must be an "
                                "integer logging level such as 20.");
        }
    }

    const pyjson::Value* hosts = resources.find("hosts");
    if (hosts == nullptr) throw_configuration_error(kResourceConfig, "hosts", "is missing");
    env.hosts = require_string_list(*hosts, kResourceConfig, "hosts");
    if (env.hosts.empty()) throw_configuration_error(kResourceConfig, "hosts", "must not be empty");
    const pyjson::Value* current_host = resources.find("current_host");
    if (current_host == nullptr) {
        throw_configuration_error(kResourceConfig, "current_host", "is missing");
    }
    env.current_host = require_string(*current_host, kResourceConfig, "current_host");
    require_consistent_hosts(env.hosts, env.current_host);
    env.current_instance_type =
        optional_string(resources, "current_instance_type", "local", kResourceConfig);
    env.current_instance_group =
        optional_string(resources, "current_group_name", "homogeneousCluster", kResourceConfig);
    env.network_interface_name =
        optional_string(resources, "network_interface_name", "eth0", kResourceConfig);
    const pyjson::Value* topology = resources.find("topology");
    env.topology = topology != nullptr ? *topology : pyjson::Value(pyjson::List{});

    for (const auto& [channel, settings] : documents.input_data_config) {
        (void)settings;
        env.channels.push_back(channel);
    }

    pyjson::Dict all_hyperparameters = decode_hyperparameters(documents.hyperparameters);
    pyjson::Dict toolkit_parameters;
    for (const auto& [name, value] : all_hyperparameters) {
        bool framework_owned = is_toolkit_hyperparameter(name) || name.starts_with("sagemaker_");
        if (!framework_owned) {
            env.hyperparameters.set(name, value);
        } else if (is_toolkit_hyperparameter(name)) {
            toolkit_parameters.set(name, value);
        } else {
            env.additional_framework_parameters.set(name, value);
        }
    }

    // Entry point: the variable wins over the hyperparameter, as in the reference.
    auto program_variable = environment.get("SAGEMAKER_PROGRAM");
    const pyjson::Value* program_parameter = toolkit_parameters.find("sagemaker_program");
    std::optional<std::string> program_from_parameter;
    if (program_parameter != nullptr && !program_parameter->is_none()) {
        program_from_parameter =
            require_string(*program_parameter, kHyperparameters, "sagemaker_program");
    }
    if (program_variable && !program_variable->empty()) {
        env.user_entry_point = *program_variable;
    } else {
        env.user_entry_point = program_from_parameter;
    }
    std::string module_source =
        program_variable ? *program_variable : program_from_parameter.value_or("None");
    env.module_name = module_source.ends_with(".py")
                          ? module_source.substr(0, module_source.size() - 3)
                          : module_source;

    if (const pyjson::Value* submit = toolkit_parameters.find("sagemaker_submit_directory")) {
        env.module_dir = pyjson::str(*submit);
    } else {
        env.module_dir = paths.code.string();
    }

    env.log_level = pyjson::Value(20);
    if (const pyjson::Value* level = toolkit_parameters.find("sagemaker_container_log_level")) {
        if (!level->is_int() && !level->is_bool()) {
            throw_configuration_error(kHyperparameters, "sagemaker_container_log_level",
                                      "must be an integer logging level such as 20, not a " +
                                          std::string(level->type_name()));
        }
        env.log_level = *level;
    }

    if (const pyjson::Value* job = toolkit_parameters.find("sagemaker_job_name")) {
        env.sagemaker_job_name = require_string(*job, kHyperparameters, "sagemaker_job_name");
    }
    env.region = region_from(toolkit_parameters, environment);
    env.job_name = environment.get("TRAINING_JOB_NAME");
    env.framework_module = environment.get("SAGEMAKER_TRAINING_MODULE");
    if (const pyjson::Value* s3_output = toolkit_parameters.find("sagemaker_s3_output")) {
        if (!s3_output->is_none()) {
            env.s3_output = require_string(*s3_output, kHyperparameters, "sagemaker_s3_output");
        }
    }
    env.is_modelparallel_enabled = model_parallel_flag(environment);

    InstanceGroups groups = read_instance_groups(resources, env.hosts);
    env.instance_groups = groups.names;
    env.instance_groups_dict = groups.by_name;
    for (const auto& [group_name, group_hosts] : groups.hosts_by_group) {
        if (group_name == env.current_instance_group) {
            env.current_instance_group_hosts = group_hosts;
            break;
        }
    }

    if (const pyjson::Value* listed =
            env.additional_framework_parameters.find("sagemaker_distribution_instance_groups")) {
        env.distribution_instance_groups = require_string_list(
            *listed, kHyperparameters, "sagemaker_distribution_instance_groups");
    } else if (distribution_switched_on(env.additional_framework_parameters)) {
        env.distribution_instance_groups.push_back(env.current_instance_group);
    }

    if (!groups.names.empty()) {
        for (const auto& [group_name, group_hosts] : groups.hosts_by_group) {
            bool distributed = std::find(env.distribution_instance_groups.begin(),
                                         env.distribution_instance_groups.end(),
                                         group_name) != env.distribution_instance_groups.end();
            if (distributed) {
                env.distribution_hosts.insert(env.distribution_hosts.end(), group_hosts.begin(),
                                              group_hosts.end());
            }
        }
    } else {
        env.distribution_hosts = env.hosts;
    }
    env.is_hetero = groups.names.size() > 1;
    env.master_hostname =
        env.distribution_hosts.empty() ? env.hosts.front() : env.distribution_hosts.front();
    env.is_master = env.current_host == env.master_hostname;

    auto local_mode = environment.get("SM_STUDIO_LOCAL_MODE");
    env.studio_local_mode = local_mode && lower_ascii(*local_mode) == "true";
    return env;
}

}  // namespace optml::config
