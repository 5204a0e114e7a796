#pragma once

#include <string>

#include "toolkit/app/entry_point_spec.hpp"
#include "toolkit/config/settings.hpp"
#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::app {

// Runs the program of `launch` with the runner the toolkit chose, built from optml's own
// runners: Process (one supervised process), MPI (leader on the first distribution host,
// workers waiting for its outcome), SMDataParallel (MPI with the reference's options and
// smddprun), PyTorchXLA (a Process run under xla_spawn) and TorchDistributed (torchrun).
reporting::Verdict run_with_runner(SpecRunner runner, config::TrainingEnv env,
                                   const entry::LaunchPlan& launch,
                                   const config::Settings& settings,
                                   const process::SupervisorOptions& supervision);

// What ran, for the toolkit's `Command "..."` line: the runner and the program without its
// arguments (hyperparameter values stay out), e.g. "train.py", "-m pkg.mod",
// "torchrun train.py".
std::string shown_command(SpecRunner runner, const EntryPointSpec& spec);

}  // namespace optml::app
