#pragma once

#include "toolkit/reporting/verdict.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::app {

// Runs the whole job: config → TrainingEnv → hosts → code → plan → preparation → program.
// Returns the verdict; throws errors::Error for everything that stops the job before or
// instead of the program's own outcome.
reporting::Verdict run_training_job(const system::EnvironmentSnapshot& environment);

}  // namespace optml::app
