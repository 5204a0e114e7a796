#pragma once

#include <string>

#include "toolkit/process/supervisor.hpp"

namespace optml::launchers {

// Throws errors::Error(EntryPoint) "<what> could not be started: <reason>." when exec failed;
// a program that ran, whatever its outcome, passes. Callers that must report to others first
// (the MPI leader tells its workers) call it after doing so.
void require_started(const process::Outcome& outcome, const std::string& what);

// run_supervised, then require_started naming the command's executable.
process::Outcome run_started(const process::Command& command,
                             const process::SupervisorOptions& options);

}  // namespace optml::launchers
