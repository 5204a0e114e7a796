#include <algorithm>

#include "toolkit/config/python_values.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/mapping/program_environment.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::mapping {

namespace {

std::string variable_value(const pyjson::Value& value) {
    if (value.is_none()) return "";
    if (value.is_str()) return value.as_str();
    return pyjson::dumps(value);
}

pyjson::Value string_list(std::vector<std::string> strings) {
    pyjson::List list;
    for (std::string& item : strings) list.emplace_back(std::move(item));
    return list;
}

class VariableList {
  public:
    // The reference keys a dict by "SM_" + key.upper(): a later colliding name replaces the
    // earlier value.
    void add(const std::string& key, const pyjson::Value& value) {
        std::string name = "SM_" + pyjson::upper(key);
        std::string text = variable_value(value);
        auto existing = std::find_if(variables_.begin(), variables_.end(),
                                     [&](const auto& variable) { return variable.first == name; });
        if (existing != variables_.end())
            existing->second = std::move(text);
        else
            variables_.emplace_back(std::move(name), std::move(text));
    }
    Variables take() { return std::move(variables_); }

  private:
    Variables variables_;
};

}  // namespace

Variables sm_variables(const config::TrainingEnv& env) {
    const config::Paths& paths = env.paths;
    std::vector<std::string> sorted_channels = env.channels;
    std::sort(sorted_channels.begin(), sorted_channels.end());
    pyjson::List user_args;
    for (std::string& argument : to_cmd_args(env.hyperparameters))
        user_args.emplace_back(std::move(argument));
    auto optional = [](const std::optional<std::string>& text) {
        return text ? pyjson::Value(*text) : pyjson::Value();
    };
    auto number = [](long long count) { return pyjson::Value(static_cast<std::int64_t>(count)); };

    VariableList list;
    list.add("hosts", string_list(env.hosts));
    list.add("network_interface_name", env.network_interface_name);
    list.add("hps", env.hyperparameters);
    list.add("user_entry_point", optional(env.user_entry_point));
    list.add("framework_params", env.additional_framework_parameters);
    list.add("resource_config", env.resource_config);
    list.add("input_data_config", env.input_data_config);
    list.add("output_data_dir", paths.output_data.string());
    list.add("channels", string_list(sorted_channels));
    list.add("current_host", env.current_host);
    list.add("current_instance_type", env.current_instance_type);
    list.add("current_instance_group", env.current_instance_group);
    list.add("current_instance_group_hosts", string_list(env.current_instance_group_hosts));
    list.add("instance_groups", string_list(env.instance_groups));
    list.add("instance_groups_dict", env.instance_groups_dict);
    list.add("distribution_instance_groups", string_list(env.distribution_instance_groups));
    list.add("is_hetero", env.is_hetero);
    list.add("module_name", env.module_name);
    list.add("log_level", env.log_level);
    list.add("framework_module", optional(env.framework_module));
    list.add("input_dir", paths.input.string());
    list.add("input_config_dir", paths.input_config.string());
    list.add("output_dir", paths.output.string());
    list.add("num_cpus", number(env.hardware.cpus));
    list.add("num_gpus", number(env.hardware.gpus));
    list.add("num_neurons", number(env.hardware.neuron_cores));
    list.add("model_dir", paths.model.string());
    list.add("module_dir", env.module_dir);
    list.add("training_env", training_env_document(env));
    list.add("user_args", pyjson::Value(std::move(user_args)));
    list.add("output_intermediate_dir", paths.output_intermediate.string());
    // Present only when resourceconfig.json holds a topology that Python finds true (GB200
    // Ultraservers); SM_TRAINING_ENV carries it either way.
    if (config::is_truthy(env.topology)) list.add("topology", env.topology);
    for (const std::string& channel : env.channels) {
        list.add("channel_" + channel, paths.channel_dir(channel));
    }
    for (const auto& [name, value] : env.hyperparameters) list.add("hp_" + name, value);
    return list.take();
}

Variables program_variables(const config::TrainingEnv& env,
                            const std::string& existing_pythonpath) {
    Variables variables = sm_variables(env);
    for (const auto& [name, value] : variables) {
        if (name.find('=') != std::string::npos || name.find('\0') != std::string::npos ||
            value.find('\0') != std::string::npos) {
            throw errors::Error(errors::ErrorKind::Configuration,
                                "The environment variable " + name.substr(0, name.find('\0')) +
                                    " built from a hyperparameter or channel name cannot be "
                                    "exported: its name holds '=' or a NUL byte, or its value a "
                                    "NUL byte.");
        }
    }
    variables.emplace_back("SAGEMAKER_JOB_NAME", env.sagemaker_job_name);
    variables.emplace_back("CURRENT_HOST", env.current_host);
    variables.emplace_back("SAGEMAKER_REGION", env.region);
    std::string pythonpath = env.paths.code.string();
    if (!existing_pythonpath.empty()) pythonpath += ":" + existing_pythonpath;
    variables.emplace_back("PYTHONPATH", pythonpath);
    return variables;
}

}  // namespace optml::mapping
