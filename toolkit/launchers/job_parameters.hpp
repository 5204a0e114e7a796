#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "toolkit/config/training_env.hpp"

namespace optml::launchers {

// Framework parameters (sagemaker_* hyperparameters) the launchers read.
inline constexpr std::string_view kMpiEnabled = "sagemaker_mpi_enabled";
inline constexpr std::string_view kTorchDistributedEnabled = "sagemaker_torch_distributed_enabled";
inline constexpr std::string_view kParameterServerEnabled = "sagemaker_parameter_server_enabled";
inline constexpr std::string_view kXgboostEnabled = "sagemaker_xgboost_enabled";
inline constexpr std::string_view kMpiProcessesPerHost = "sagemaker_mpi_num_of_processes_per_host";
inline constexpr std::string_view kMpiNumProcesses = "sagemaker_mpi_num_processes";
inline constexpr std::string_view kMpiCustomOptions = "sagemaker_mpi_custom_mpi_options";

// bool(additional_framework_parameters.get(name)) in Python.
bool switched_on(const config::TrainingEnv& env, std::string_view name);

// A positive integer framework parameter (an int, or a str holding one), nullopt when absent.
// Anything else throws errors::Error(Configuration) naming the hyperparameter.
std::optional<long long> positive_int_parameter(const config::TrainingEnv& env,
                                                std::string_view name);

// A str framework parameter; absent or None gives "". Throws errors::Error(Configuration)
// naming the hyperparameter for any other type.
std::string string_parameter(const config::TrainingEnv& env, std::string_view name);

}  // namespace optml::launchers
