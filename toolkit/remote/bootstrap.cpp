#include "toolkit/remote/bootstrap.hpp"

#include <algorithm>
#include <array>
#include <fstream>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/safe_extract.hpp"
#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"
#include "toolkit/system/executable_search.hpp"

namespace optml::remote {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& message) {
    throw errors::Error(errors::ErrorKind::RuntimeEnvironment, message);
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
    return text;
}

// _run_shell_cmd: the command, its stderr as the reason when it fails.
void run_install_command(const std::vector<std::string>& argv, const Installer& installer,
                         const fs::path& cwd) {
    process::Command command;
    command.executable = argv.front();
    command.argv = argv;
    command.env = installer.environment;
    command.cwd = cwd;
    logging::info("running " + joined(argv));
    const process::Outcome outcome = launchers::run_started(command, installer.options);
    if (!outcome.succeeded()) {
        fail("Encountered error while running command '" + joined(argv) +
             "'. Reason: " + outcome.stderr_tail);
    }
}

std::string conda_or_fail(const Installer& installer) {
    system::EnvironmentSnapshot::Variables path;
    for (const std::string& entry : installer.environment) {
        if (entry.starts_with("PATH=")) path.emplace("PATH", entry.substr(5));
    }
    const std::optional<fs::path> conda =
        conda_executable(system::EnvironmentSnapshot(std::move(path)));
    if (!conda) fail("Neither conda nor mamba is installed on the image");
    return conda->string();
}

const pyjson::Value& required(const pyjson::Dict& config, const char* key) {
    const pyjson::Value* value = config.find(key);
    if (value == nullptr) {
        fail(std::string("resourceconfig.json has no \"") + key +
             "\", which the job's environment (input/sm_training.env) needs.");
    }
    return *value;
}

// safe_serialize: text as it is, anything else as json.dumps writes it.
std::string serialized(const pyjson::Value& value) {
    return value.is_str() ? value.as_str() : pyjson::dumps_default(value);
}

template <std::size_t N>
bool listed(std::string_view instance_type, const std::array<std::string_view, N>& types) {
    return std::find(types.begin(), types.end(), instance_type) != types.end();
}

constexpr std::array<std::string_view, 8> kEfaNcclInstances = {
    "ml.g4dn.8xlarge", "ml.g4dn.12xlarge", "ml.g5.48xlarge", "ml.p3dn.24xlarge",
    "ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.p5.48xlarge", "ml.trn1.32xlarge"};
constexpr std::array<std::string_view, 3> kEfaRdmaInstances = {
    "ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.trn1.32xlarge"};

}  // namespace

std::optional<std::string> python_version_from_path(const fs::path& python) {
    std::error_code error;
    const fs::path real = fs::canonical(python, error);
    const std::string name = (error ? python : real).filename().string();
    if (!name.starts_with("python")) return std::nullopt;
    const std::string version = name.substr(6);
    const std::size_t dot = version.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 >= version.size()) return std::nullopt;
    for (std::size_t i = 0; i < version.size(); ++i) {
        if (i != dot && !std::isdigit(static_cast<unsigned char>(version[i]))) return std::nullopt;
    }
    return version;
}

void check_python_version(const std::string& client_version, const std::string& job_version) {
    auto trimmed = [](std::string text) {
        const auto not_space = [](unsigned char c) { return !std::isspace(c); };
        text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
        text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
        return text;
    };
    if (trimmed(client_version) == trimmed(job_version)) return;
    fail("Python version found in the container is '" + job_version +
         "' which does not match python version '" + client_version +
         "' on the local client. Please make sure that the python version used in the training "
         "container is same as the local python version.");
}

std::optional<fs::path> unpack_workspace(const config::Paths& paths, const fs::path& working_dir) {
    const fs::path archive = paths.input_data / "sm_rf_user_ws" / "workspace.zip";
    std::error_code error;
    if (!fs::is_regular_file(archive, error)) {
        logging::info("no workspace archive to unpack");
        return std::nullopt;
    }
    files::extract_archive_safely(archive, working_dir, files::ArchiveFormat::Zip);
    logging::info("unpacked the workspace archive into " + working_dir.string());
    return working_dir / kWorkspaceFolder;
}

std::optional<fs::path> dependency_file(const fs::path& workspace,
                                        const DependencySettings& settings) {
    if (settings.given) {
        if (!settings.dependency_file) return std::nullopt;
        return workspace / *settings.dependency_file;
    }
    std::vector<fs::path> candidates;
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(workspace, error)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".txt") || name.ends_with(".yml") || name.ends_with(".yaml"))
            candidates.push_back(entry.path());
    }
    if (candidates.empty()) return std::nullopt;
    return *std::min_element(candidates.begin(), candidates.end());
}

std::optional<std::string> install_dependencies(const fs::path& file, const Installer& installer) {
    const std::string name = file.string();
    const fs::path cwd = file.parent_path();
    if (name.ends_with(".txt")) {
        if (installer.conda_env) {
            run_install_command({conda_or_fail(installer), "run", "-n", *installer.conda_env, "pip",
                                 "install", "-r", name, "-U"},
                                installer, cwd);
            return installer.conda_env;
        }
        run_install_command({installer.python.string(), "-m", "pip", "install", "-r", name, "-U"},
                            installer, cwd);
        return std::nullopt;
    }
    if (name.ends_with(".yml") || name.ends_with(".yaml")) {
        const std::string conda = conda_or_fail(installer);
        if (installer.conda_env) {
            run_install_command(
                {conda, "env", "update", "-n", *installer.conda_env, "--file", name}, installer,
                cwd);
            return installer.conda_env;
        }
        run_install_command({conda, "env", "create", "-n", kCondaEnvironmentName, "--file", name},
                            installer, cwd);
        return std::string(kCondaEnvironmentName);
    }
    fail("The dependency file " + file.filename().string() +
         " is neither a requirements .txt nor a conda .yml/.yaml file.");
}

void run_pre_exec_script(const fs::path& workspace, const std::vector<std::string>& environment,
                         const process::SupervisorOptions& options) {
    const fs::path script = workspace / "pre_exec.sh";
    std::error_code error;
    if (!fs::is_regular_file(script, error)) return;
    logging::info("running the pre-execution commands in " + script.string());
    process::Command command;
    command.executable = "/bin/bash";
    command.argv = {"/bin/bash", "-eu", script.string()};
    command.env = environment;
    command.cwd = workspace;
    const process::Outcome outcome = launchers::run_started(command, options);
    if (!outcome.succeeded()) {
        fail("Encountered error while running pre-execution commands. Reason: " +
             outcome.stderr_tail);
    }
}

std::optional<fs::path> conda_executable(const system::EnvironmentSnapshot& environment) {
    for (const char* name : {"mamba", "conda"}) {
        if (auto found = system::find_executable(name, environment.get_or("PATH", "")))
            return found;
    }
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> training_env_variables(
    const config::Paths& paths, const std::string& resource_config,
    const hardware::HardwareCounts& hardware, const RemoteArguments& arguments,
    const std::string& job_name) {
    pyjson::Value document;
    try {
        document = pyjson::loads(resource_config);
    } catch (const std::exception&) {
        fail("resourceconfig.json is not valid JSON.");
    }
    if (!document.is_dict()) fail("resourceconfig.json must hold a JSON object.");
    const pyjson::Dict& config = document.as_dict();
    const pyjson::Value& current_host = required(config, "current_host");
    const pyjson::Value& instance_type = required(config, "current_instance_type");
    const pyjson::Value& hosts_value = required(config, "hosts");
    const pyjson::Value& interface = required(config, "network_interface_name");
    if (!hosts_value.is_list() || !current_host.is_str())
        fail("resourceconfig.json's hosts must be a list holding current_host.");
    std::vector<std::string> host_names;
    for (const pyjson::Value& host : hosts_value.as_list()) {
        if (!host.is_str()) fail("resourceconfig.json's hosts must be host names.");
        host_names.push_back(host.as_str());
    }
    std::sort(host_names.begin(), host_names.end());
    const auto rank = std::find(host_names.begin(), host_names.end(), current_host.as_str());
    if (rank == host_names.end()) fail("resourceconfig.json's hosts do not list current_host.");
    pyjson::List sorted_hosts;
    for (const std::string& host : host_names) sorted_hosts.emplace_back(host);

    long long nproc = hardware.gpus > 0           ? hardware.gpus
                      : hardware.neuron_cores > 0 ? hardware.neuron_cores
                                                  : hardware.cpus;
    if (arguments.user_nproc_per_node) {
        try {
            const long long user = std::stoll(*arguments.user_nproc_per_node);
            if (user > 0) nproc = user;
        } catch (const std::exception&) {
            fail("--user_nproc_per_node must be a whole number.");
        }
    }

    const std::string master_addr = "algo-1";
    const long long master_port = 7777;
    std::vector<std::pair<std::string, std::string>> variables = {
        {"SM_MODEL_DIR", paths.model.string()},
        {"SM_INPUT_DIR", paths.input.string()},
        {"SM_INPUT_DATA_DIR", paths.input_data.string()},
        {"SM_INPUT_CONFIG_DIR", paths.input_config.string()},
        {"SM_OUTPUT_DIR", paths.output.string()},
        {"SM_OUTPUT_FAILURE", (paths.output / "failure").string()},
        {"SM_OUTPUT_DATA_DIR", paths.output_data.string()},
        {"SM_MASTER_ADDR", master_addr},
        {"SM_MASTER_PORT", std::to_string(master_port)},
        {"SM_CURRENT_HOST", current_host.as_str()},
        {"SM_CURRENT_INSTANCE_TYPE", serialized(instance_type)},
        {"SM_HOSTS", pyjson::dumps_default(pyjson::Value(sorted_hosts))},
        {"SM_NETWORK_INTERFACE_NAME", serialized(interface)},
        {"SM_HOST_COUNT", std::to_string(host_names.size())},
        {"SM_CURRENT_HOST_RANK", std::to_string(rank - host_names.begin())},
        {"SM_NUM_CPUS", std::to_string(hardware.cpus)},
        {"SM_NUM_GPUS", std::to_string(hardware.gpus)},
        {"SM_NUM_NEURONS", std::to_string(hardware.neuron_cores)},
        {"SM_RESOURCE_CONFIG", pyjson::dumps_default(document)},
        {"SM_NPROC_PER_NODE", std::to_string(nproc)},
    };
    pyjson::Dict training_env;
    training_env.set("current_host", current_host);
    training_env.set("current_instance_type", instance_type);
    training_env.set("hosts", pyjson::Value(sorted_hosts));
    training_env.set("host_count", pyjson::Value(static_cast<std::int64_t>(host_names.size())));
    training_env.set("nproc_per_node", pyjson::Value(static_cast<std::int64_t>(nproc)));
    training_env.set("master_addr", pyjson::Value(master_addr));
    training_env.set("master_port", pyjson::Value(static_cast<std::int64_t>(master_port)));
    training_env.set("input_config_dir", pyjson::Value(paths.input_config.string()));
    training_env.set("input_data_dir", pyjson::Value(paths.input_data.string()));
    training_env.set("input_dir", pyjson::Value(paths.input.string()));
    training_env.set("job_name", pyjson::Value(job_name));
    training_env.set("model_dir", pyjson::Value(paths.model.string()));
    training_env.set("network_interface_name", interface);
    training_env.set("num_cpus", pyjson::Value(static_cast<std::int64_t>(hardware.cpus)));
    training_env.set("num_gpus", pyjson::Value(static_cast<std::int64_t>(hardware.gpus)));
    training_env.set("num_neurons",
                     pyjson::Value(static_cast<std::int64_t>(hardware.neuron_cores)));
    training_env.set("output_data_dir", pyjson::Value(paths.output_data.string()));
    training_env.set("resource_config", document);
    variables.emplace_back("SM_TRAINING_ENV", pyjson::dumps_default(pyjson::Value(training_env)));

    const std::string type_text = serialized(instance_type);
    if (arguments.distribution == "torchrun") {
        if (listed(type_text, kEfaNcclInstances)) variables.emplace_back("FI_PROVIDER", "efa");
        if (listed(type_text, kEfaRdmaInstances)) {
            variables.emplace_back("FI_EFA_USE_DEVICE_RDMA", "1");
            variables.emplace_back("RDMAV_FORK_SAFE", "1");
        }
        variables.emplace_back("NCCL_SOCKET_IFNAME", serialized(interface));
        variables.emplace_back("NCCL_PROTO", "simple");
    } else if (arguments.distribution == "mpirun") {
        variables.emplace_back("MASTER_ADDR", master_addr);
        variables.emplace_back("MASTER_PORT", std::to_string(master_port));
        std::string host_list;
        for (const std::string& host : host_names)
            host_list += (host_list.empty() ? "" : ",") + host + ":" + std::to_string(nproc);
        variables.emplace_back("SM_HOSTS_LIST", host_list);
        const bool nccl = listed(type_text, kEfaNcclInstances);
        variables.emplace_back("SM_FI_PROVIDER", nccl ? "-x FI_PROVIDER=efa" : "");
        variables.emplace_back("SM_NCCL_PROTO", nccl ? "-x NCCL_PROTO=simple" : "");
        variables.emplace_back("SM_FI_EFA_USE_DEVICE_RDMA", listed(type_text, kEfaRdmaInstances)
                                                                ? "-x FI_EFA_USE_DEVICE_RDMA=1"
                                                                : "");
    }
    return variables;
}

void write_training_env_file(const fs::path& file,
                             const std::vector<std::pair<std::string, std::string>>& variables) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    for (const auto& [name, value] : variables) out << "export " << name << "='" << value << "'\n";
    out.close();
    if (!out) fail("Cannot write " + file.string() + ".");
}

}  // namespace optml::remote
