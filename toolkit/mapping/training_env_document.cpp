#include "toolkit/mapping/program_environment.hpp"

namespace optml::mapping {

namespace {

pyjson::Value string_list(const std::vector<std::string>& strings) {
    pyjson::List list;
    list.reserve(strings.size());
    for (const std::string& item : strings) list.emplace_back(item);
    return list;
}

pyjson::Value optional_string(const std::optional<std::string>& text) {
    return text ? pyjson::Value(*text) : pyjson::Value();
}

pyjson::Value count(long long number) {
    return pyjson::Value(static_cast<std::int64_t>(number));
}

}  // namespace

pyjson::Value training_env_document(const config::TrainingEnv& env) {
    const config::Paths& paths = env.paths;
    pyjson::Dict channel_input_dirs;
    for (const std::string& channel : env.channels) {
        channel_input_dirs.set(channel, paths.channel_dir(channel));
    }
    pyjson::Dict document;
    document.set("additional_framework_parameters", env.additional_framework_parameters);
    document.set("channel_input_dirs", channel_input_dirs);
    document.set("current_host", env.current_host);
    document.set("current_instance_group", env.current_instance_group);
    document.set("current_instance_group_hosts", string_list(env.current_instance_group_hosts));
    document.set("current_instance_type", env.current_instance_type);
    document.set("distribution_hosts", string_list(env.distribution_hosts));
    document.set("distribution_instance_groups", string_list(env.distribution_instance_groups));
    document.set("framework_module", optional_string(env.framework_module));
    document.set("hosts", string_list(env.hosts));
    document.set("hyperparameters", env.hyperparameters);
    document.set("input_config_dir", paths.input_config.string());
    document.set("input_data_config", env.input_data_config);
    document.set("input_dir", paths.input.string());
    document.set("instance_groups", string_list(env.instance_groups));
    document.set("instance_groups_dict", env.instance_groups_dict);
    document.set("is_hetero", env.is_hetero);
    document.set("is_master", env.is_master);
    document.set("is_modelparallel_enabled", env.is_modelparallel_enabled);
    document.set("is_smddpmprun_installed", env.hardware.smddpmprun_installed);
    document.set("is_smddprun_installed", env.hardware.smddprun_installed);
    document.set("job_name", optional_string(env.job_name));
    document.set("log_level", env.log_level);
    document.set("master_hostname", env.master_hostname);
    document.set("model_dir", paths.model.string());
    document.set("module_dir", env.module_dir);
    document.set("module_name", env.module_name);
    document.set("network_interface_name", env.network_interface_name);
    document.set("num_cpus", count(env.hardware.cpus));
    document.set("num_gpus", count(env.hardware.gpus));
    document.set("num_neurons", count(env.hardware.neuron_cores));
    document.set("output_data_dir", paths.output_data.string());
    document.set("output_dir", paths.output.string());
    document.set("output_intermediate_dir", paths.output_intermediate.string());
    document.set("resource_config", env.resource_config);
    document.set("topology", env.topology);
    document.set("user_entry_point", optional_string(env.user_entry_point));
    return document;
}

}  // namespace optml::mapping
