#pragma once

#include <optional>
#include <string>

#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::app {

// Steps a job and a run-entry-point share.

// A stop that came in while no program ran ends the command before its next step: throws
// errors::StopRequested naming the signal and `next_step`.
void stop_if_requested(const std::string& next_step);

// Runs the plan's preparation steps (pip) in order under the supervisor; the verdict of the
// first that fails, nullopt when all succeed.
std::optional<reporting::Verdict> run_preparation(const entry::LaunchPlan& plan,
                                                  const process::SupervisorOptions& options);

// Whether the plan installs requirements.txt (after which the program's environment says so).
bool installs_requirements(const entry::LaunchPlan& plan);

}  // namespace optml::app
