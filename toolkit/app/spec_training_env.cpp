#include "toolkit/app/spec_training_env.hpp"

#include "toolkit/config/python_values.hpp"
#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/hardware/hardware.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::app {

namespace {

constexpr std::string_view kVariable = "SM_TRAINING_ENV";
constexpr std::string_view kWhere = "SM_TRAINING_ENV in the run-entry-point spec's environment";

[[noreturn]] void fail(const std::string& problem) {
    throw errors::Error(errors::ErrorKind::Configuration,
                        std::string(kWhere) + " " + problem + ".");
}

pyjson::Dict training_env_document(const std::string& text) {
    pyjson::Value document;
    try {
        document = pyjson::loads(text);
    } catch (const pyjson::ParseError& error) {
        fail(std::string("is not valid JSON: ") + error.what());
    }
    if (!document.is_dict()) fail("must hold a JSON object");
    return document.as_dict();
}

class Properties {
  public:
    explicit Properties(const pyjson::Dict& document) : document_(document) {}

    const pyjson::Value& required(std::string_view key) const {
        const pyjson::Value* value = document_.find(key);
        if (value == nullptr) fail("has no key '" + std::string(key) + "'");
        return *value;
    }
    std::string text(std::string_view key) const {
        return config::require_string(required(key), kWhere, key);
    }
    std::vector<std::string> texts(std::string_view key) const {
        return config::require_string_list(required(key), kWhere, key);
    }
    // sagemaker_containers' SM_TRAINING_ENV (XGBoost, Chainer) predates some properties.
    std::string text_or(std::string_view key, std::string fallback) const {
        const pyjson::Value* value = document_.find(key);
        return value == nullptr ? fallback : config::require_string(*value, kWhere, key);
    }
    std::vector<std::string> texts_or(std::string_view key,
                                      std::vector<std::string> fallback) const {
        const pyjson::Value* value = document_.find(key);
        return value == nullptr ? fallback : config::require_string_list(*value, kWhere, key);
    }
    pyjson::Dict dict(std::string_view key) const {
        const pyjson::Value* value = document_.find(key);
        if (value == nullptr) return {};
        if (!value->is_dict()) fail("key '" + std::string(key) + "' must be an object");
        return value->as_dict();
    }
    long long count(std::string_view key) const {
        const pyjson::Value* value = document_.find(key);
        if (value == nullptr || value->is_none()) return 0;
        if (!value->is_int() || !value->fits_int64() || value->as_int64() < 0)
            fail("key '" + std::string(key) + "' must be a whole number");
        return value->as_int64();
    }
    bool flag(std::string_view key) const {
        const pyjson::Value* value = document_.find(key);
        return value != nullptr && config::is_truthy(*value);
    }
    const pyjson::Value* find(std::string_view key) const { return document_.find(key); }

  private:
    const pyjson::Dict& document_;
};

config::TrainingEnv job_from_config_files(const EntryPointSpec& spec,
                                          std::chrono::milliseconds probe_timeout) {
    const config::Paths paths = config::Paths::from_environment(spec.environment);
    return config::build_training_env(paths, config::read_config_documents(paths), spec.environment,
                                      hardware::probe_hardware(spec.environment, probe_timeout));
}

config::TrainingEnv job_from_training_env(const EntryPointSpec& spec, const std::string& text) {
    const pyjson::Dict document = training_env_document(text);
    const Properties properties(document);

    config::TrainingEnv env;
    env.paths = config::Paths::from_environment(spec.environment);
    env.hyperparameters = properties.dict("hyperparameters");
    env.additional_framework_parameters = properties.dict("additional_framework_parameters");
    env.hosts = properties.texts("hosts");
    env.current_host = properties.text("current_host");
    if (env.hosts.empty()) fail("key 'hosts' must list at least one host");
    // Missing in sagemaker_containers' document: a homogeneous cluster, as it assumed.
    env.master_hostname = properties.text_or("master_hostname", env.hosts.front());
    env.distribution_hosts = properties.texts_or("distribution_hosts", env.hosts);
    env.current_instance_group = properties.text_or("current_instance_group", "homogeneousCluster");
    env.distribution_instance_groups =
        properties.texts_or("distribution_instance_groups", {env.current_instance_group});
    env.current_instance_type = properties.text_or("current_instance_type", "local");
    env.network_interface_name = properties.text_or("network_interface_name", "eth0");
    env.is_master = properties.flag("is_master");
    env.hardware.cpus = properties.count("num_cpus");
    env.hardware.gpus = properties.count("num_gpus");
    env.hardware.neuron_cores = properties.count("num_neurons");
    env.hardware.smddprun_installed = properties.flag("is_smddprun_installed");
    env.hardware.smddpmprun_installed = properties.flag("is_smddpmprun_installed");
    if (const pyjson::Value* level = properties.find("log_level")) env.log_level = *level;
    if (const pyjson::Value* job = properties.find("job_name"); job && job->is_str())
        env.job_name = job->as_str();
    return env;
}

}  // namespace

config::TrainingEnv training_env_for_spec(const EntryPointSpec& spec,
                                          std::chrono::milliseconds probe_timeout) {
    const std::optional<std::string> text = spec.environment.get(kVariable);
    config::TrainingEnv env =
        text ? job_from_training_env(spec, *text) : job_from_config_files(spec, probe_timeout);
    env.paths.code = spec.code_dir;
    for (const auto& [name, value] : spec.extra_opts) {
        if (config::is_truthy(value)) env.additional_framework_parameters.set(name, value);
    }
    env.framework_module.reset();

    // The program is the spec's, whatever SM_TRAINING_ENV says about the framework's.
    if (spec.module) {
        env.user_entry_point = "-m " + *spec.module;
        env.module_name = *spec.module;
    } else {
        env.user_entry_point = *spec.entry_point;
        const std::string& name = *spec.entry_point;
        env.module_name = name.ends_with(".py") ? name.substr(0, name.size() - 3) : name;
    }
    env.module_dir = spec.uri.value_or(spec.code_dir.string());
    env.studio_local_mode = spec.environment.get("SM_STUDIO_LOCAL_MODE") == "true";
    return env;
}

}  // namespace optml::app
