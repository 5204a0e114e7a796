#include "toolkit/app/framework_run.hpp"

#include <system_error>

#include "toolkit/app/run_result_file.hpp"
#include "toolkit/launchers/environment_list.hpp"
#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/reporting/run_report.hpp"
#include "toolkit/system/temporary_path.hpp"

namespace optml::app {

namespace {

system::TemporaryDirectory results_folder() {
    try {
        return system::TemporaryDirectory("optml-runs-");
    } catch (const std::system_error& error) {
        throw errors::Error(errors::ErrorKind::Internal,
                            "cannot create a folder for the framework's run results: " +
                                error.code().message() + ".");
    }
}

}  // namespace

reporting::Verdict run_framework_process(entry::LaunchPlan plan, bool requirements_installed,
                                         const process::SupervisorOptions& options) {
    const system::TemporaryDirectory results = results_folder();
    launchers::Variables variables = {{kRunResultsDirVariable, results.path().string()}};
    if (requirements_installed) variables.emplace_back("OPTML_REQUIREMENTS_INSTALLED", "1");
    plan.program.env = launchers::with_variables(std::move(plan.program.env), variables);

    logging::info("starting the framework module " + plan.program_spec.arguments.front() + ":" +
                  plan.program_spec.arguments.back());
    const process::Outcome outcome = launchers::run_started(plan.program, options);
    logging::info("the framework process exited with " + std::to_string(outcome.exit_code()));
    return reporting::verdict_for_framework(reporting::verdict_for_program(outcome),
                                            read_last_run_result(results.path()));
}

}  // namespace optml::app
