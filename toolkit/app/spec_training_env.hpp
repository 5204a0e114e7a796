#pragma once

#include <chrono>

#include "toolkit/app/entry_point_spec.hpp"
#include "toolkit/config/training_env.hpp"

namespace optml::app {

// The job as the toolkit passed it: SM_TRAINING_ENV from the spec's environment (the toolkit
// may have changed hyperparameters since train exported it), the spec's code dir and program,
// and each truthy extra_opts entry in place of the framework parameter of the same name (the
// reference's `extra_opts.get(k) or additional_framework_parameters.get(k)`). Nothing is read
// from the config files and nothing is probed. Outside a job (a toolkit's own tests call
// entry_point.run without SM_TRAINING_ENV) the job is read from the config files under the
// base dir by train's own rules, probes included (`probe_timeout`). Throws
// errors::Error(Configuration) naming SM_TRAINING_ENV and the key when a property the runners
// use has the wrong type, or naming the config file that is missing or wrong.
config::TrainingEnv training_env_for_spec(const EntryPointSpec& spec,
                                          std::chrono::milliseconds probe_timeout);

}  // namespace optml::app
