#include "toolkit/launchers/started_program.hpp"

#include "toolkit/errors/error.hpp"

namespace optml::launchers {

void require_started(const process::Outcome& outcome, const std::string& what) {
    if (outcome.started) return;
    throw errors::Error(errors::ErrorKind::EntryPoint,
                        what + " could not be started: " + outcome.start_error + ".");
}

process::Outcome run_started(const process::Command& command,
                             const process::SupervisorOptions& options) {
    process::Outcome outcome = process::run_supervised(command, options);
    require_started(outcome, "The program " + command.executable);
    return outcome;
}

}  // namespace optml::launchers
