#pragma once

#include <optional>
#include <string>
#include <vector>

#include "toolkit/config/paths.hpp"
#include "toolkit/hardware/hardware.hpp"
#include "toolkit/pyjson/value.hpp"

namespace optml::config {

// The read-only snapshot of a training job, derived once from the three config files,
// train's environment and the hardware probes. Field names follow the reference toolkit's
// Environment properties, which scripts see through SM_TRAINING_ENV.
struct TrainingEnv {
    Paths paths;

    pyjson::Dict hyperparameters;                  // user hyperparameters, file order
    pyjson::Dict additional_framework_parameters;  // sagemaker_* not known to the toolkit
    pyjson::Dict resource_config;                  // resourceconfig.json as read
    pyjson::Dict input_data_config;                // inputdataconfig.json as read
    std::vector<std::string> channels;             // input_data_config keys, file order

    std::vector<std::string> hosts;
    std::string current_host;
    std::string current_instance_type;
    std::string current_instance_group;
    std::vector<std::string> current_instance_group_hosts;
    std::vector<std::string> instance_groups;
    pyjson::Dict instance_groups_dict;
    std::vector<std::string> distribution_instance_groups;
    std::vector<std::string> distribution_hosts;
    bool is_hetero = false;
    std::string master_hostname;
    bool is_master = false;
    std::string network_interface_name;
    pyjson::Value topology;

    // The entry point: SAGEMAKER_PROGRAM, else the sagemaker_program hyperparameter.
    std::optional<std::string> user_entry_point;
    std::string module_name;  // user_entry_point without ".py"; "None" when there is none
    std::string module_dir;   // sagemaker_submit_directory, else the code dir
    std::optional<std::string> framework_module;  // SAGEMAKER_TRAINING_MODULE "pkg.mod:fn"

    pyjson::Value log_level;               // a Python int (bool included), 20 unless configured
    std::optional<std::string> job_name;   // TRAINING_JOB_NAME
    std::string sagemaker_job_name;        // sagemaker_job_name, exported as SAGEMAKER_JOB_NAME
    std::string region;                    // sagemaker_region, else AWS_REGION/AWS_DEFAULT_REGION
    std::optional<std::string> s3_output;  // sagemaker_s3_output
    pyjson::Value
        is_modelparallel_enabled;  // from SM_HP_MP_PARAMETERS, as the reference computes it

    hardware::HardwareCounts hardware;
    bool studio_local_mode = false;  // SM_STUDIO_LOCAL_MODE=true: skip host resolution
};

}  // namespace optml::config
