#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "toolkit/config/paths.hpp"
#include "toolkit/hardware/hardware.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/remote/arguments.hpp"
#include "toolkit/system/environment.hpp"

// What the SDK's bootstrap_runtime_environment.py does before the function runs, in train:
// the Python version check, the workspace, pre_exec.sh, the dependency file, and
// input/sm_training.env. Every failure is errors::Error(RuntimeEnvironment) with the SDK's
// message, reported as "RuntimeEnvironmentError: <message>".
namespace optml::remote {

inline constexpr const char* kWorkspaceFolder = "sagemaker_remote_function_workspace";
inline constexpr const char* kCondaEnvironmentName = "sagemaker-runtime-env";

// "3.11" from an interpreter path whose real name is pythonX.Y (Debian, venvs, conda);
// nullopt when the name does not tell.
std::optional<std::string> python_version_from_path(const std::filesystem::path& python);

// The check against --client_python_version; throws with the SDK's message naming both.
void check_python_version(const std::string& client_version, const std::string& job_version);

// Unpacks input/data/sm_rf_user_ws/workspace.zip into `working_dir` (safe extraction) and
// returns working_dir/sagemaker_remote_function_workspace, or nullopt without an archive.
std::optional<std::filesystem::path> unpack_workspace(const config::Paths& paths,
                                                      const std::filesystem::path& working_dir);

// The dependency file to install from the workspace: the one --dependency_settings names,
// none for {"dependency_file": null}, else (no settings: older clients) the first .txt, .yml
// or .yaml in it, by name.
std::optional<std::filesystem::path> dependency_file(const std::filesystem::path& workspace,
                                                     const DependencySettings& settings);

// `<python> -m pip install -r FILE -U`, or the conda/mamba commands for a .yml, run with
// `environment`. Returns the conda environment the function must run in, if any.
struct Installer {
    std::filesystem::path python;
    std::optional<std::string> conda_env;  // --job_conda_env or SAGEMAKER_JOB_CONDA_ENV
    std::vector<std::string> environment;
    process::SupervisorOptions options;
};
std::optional<std::string> install_dependencies(const std::filesystem::path& file,
                                                const Installer& installer);

// `/bin/bash -eu pre_exec.sh` in the workspace when it has one.
void run_pre_exec_script(const std::filesystem::path& workspace,
                         const std::vector<std::string>& environment,
                         const process::SupervisorOptions& options);

// conda or mamba on PATH (mamba first, as the SDK); nullopt when neither is.
std::optional<std::filesystem::path> conda_executable(
    const system::EnvironmentSnapshot& environment);

// The variables the SDK's set_env writes to input/sm_training.env, in its order, as
// (name, value-as-written); resource_config is resourceconfig.json's text.
std::vector<std::pair<std::string, std::string>> training_env_variables(
    const config::Paths& paths, const std::string& resource_config,
    const hardware::HardwareCounts& hardware, const RemoteArguments& arguments,
    const std::string& job_name);

// Writes them as `export NAME='value'` lines (the SDK's format, no quoting of quotes).
void write_training_env_file(const std::filesystem::path& file,
                             const std::vector<std::pair<std::string, std::string>>& variables);

}  // namespace optml::remote
