#pragma once

#include "toolkit/config/training_env.hpp"
#include "toolkit/hardware/hardware.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::config {

// The job's three config files, as read from disk (hyperparameters still JSON-encoded).
struct ConfigDocuments {
    pyjson::Dict hyperparameters;
    pyjson::Dict input_data_config;
    pyjson::Dict resource_config;
};

// Reads the three files under paths.input_config; the first problem found throws.
ConfigDocuments read_config_documents(const Paths& paths);

// Derives the TrainingEnv exactly as the reference toolkit does, validating what the
// reference would have crashed on. Throws errors::Error(Configuration) naming the file and
// key, or the variable, at fault.
TrainingEnv build_training_env(const Paths& paths, const ConfigDocuments& documents,
                               const system::EnvironmentSnapshot& environment,
                               const hardware::HardwareCounts& hardware);

}  // namespace optml::config
