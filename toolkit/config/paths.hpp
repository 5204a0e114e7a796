#pragma once

#include <filesystem>
#include <string>

#include "toolkit/system/environment.hpp"

namespace optml::config {

// The SageMaker folder layout under the base dir (SAGEMAKER_BASE_DIR, else /opt/ml).
struct Paths {
    std::filesystem::path base;
    std::filesystem::path code;
    std::filesystem::path model;
    std::filesystem::path input;
    std::filesystem::path input_config;
    std::filesystem::path input_data;
    std::filesystem::path output;
    std::filesystem::path output_data;
    std::filesystem::path output_intermediate;

    static Paths under(const std::filesystem::path& base);
    static Paths from_environment(const system::EnvironmentSnapshot& environment);

    std::filesystem::path hyperparameters_file() const {
        return input_config / "hyperparameters.json";
    }
    std::filesystem::path input_data_config_file() const {
        return input_config / "inputdataconfig.json";
    }
    std::filesystem::path resource_config_file() const {
        return input_config / "resourceconfig.json";
    }
    // os.path.join(input/data, channel): an absolute channel name replaces the folder.
    std::string channel_dir(const std::string& channel) const;
};

}  // namespace optml::config
