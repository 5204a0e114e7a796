#include "toolkit/app/job_steps.hpp"

#include <algorithm>

#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"

namespace optml::app {

void stop_if_requested(const std::string& next_step) {
    if (auto stop = process::take_stop_request()) {
        throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                               " before " + next_step +
                                               "; the program was not started.");
    }
}

std::optional<reporting::Verdict> run_preparation(const entry::LaunchPlan& plan,
                                                  const process::SupervisorOptions& options) {
    for (const entry::PreparationStep& step : plan.preparation) {
        stop_if_requested(step.description);
        logging::info("running " + step.description);
        process::Outcome outcome = launchers::run_started(step.command, options);
        if (!outcome.succeeded()) {
            return reporting::verdict_for_preparation(outcome, step.failure_kind, step.description);
        }
    }
    return std::nullopt;
}

bool installs_requirements(const entry::LaunchPlan& plan) {
    return std::any_of(plan.preparation.begin(), plan.preparation.end(), [](const auto& step) {
        return step.failure_kind == errors::ErrorKind::InstallRequirements;
    });
}

}  // namespace optml::app
