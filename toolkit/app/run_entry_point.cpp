#include "toolkit/app/run_entry_point.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "toolkit/app/entry_point_spec.hpp"
#include "toolkit/app/job_steps.hpp"
#include "toolkit/app/run_result_file.hpp"
#include "toolkit/app/spec_runner.hpp"
#include "toolkit/app/spec_training_env.hpp"
#include "toolkit/config/settings.hpp"
#include "toolkit/files/code_acquisition.hpp"
#include "toolkit/logging/log.hpp"

namespace optml::app {

namespace {

// Set by the job's train once it installed requirements.txt before the framework process.
constexpr std::string_view kRequirementsInstalled = "OPTML_REQUIREMENTS_INSTALLED";

std::filesystem::path spec_file_from(int argc, char** argv) {
    const std::string usage = " (usage: train run-entry-point --spec FILE).";
    if (argc == 4 && std::string_view(argv[2]) == "--spec") return argv[3];
    if (argc == 3 && std::string_view(argv[2]).starts_with("--spec="))
        return std::string_view(argv[2]).substr(7);
    throw errors::Error(errors::ErrorKind::Configuration,
                        "train run-entry-point takes exactly one option, --spec FILE" + usage);
}

void set_log_level(const pyjson::Value& level) {
    logging::set_python_level(level.is_bool()      ? level.as_bool()
                              : level.fits_int64() ? level.as_int64()
                                                   : 20);
}

reporting::Verdict run_spec(const EntryPointSpec& spec) {
    const system::EnvironmentSnapshot& environment = spec.environment;
    const config::Settings settings = config::read_settings(environment);
    const config::TrainingEnv env = training_env_for_spec(spec, settings.probe_timeout);
    set_log_level(env.log_level);

    if (spec.uri) {
        stop_if_requested("getting the code");
        // Acts only on a missing or empty code dir, as at job start.
        files::acquire_code(*spec.uri, spec.code_dir, environment);
    }
    entry::LaunchInputs inputs{env, environment, spec.arguments,
                               system::merge_environment(environment, {})};
    entry::LaunchPlan plan = entry::plan_launch(inputs);
    if (!environment.get_or(kRequirementsInstalled, "").empty()) {
        // The job's train installed them before the framework started: once per job.
        std::erase_if(plan.preparation, [](const entry::PreparationStep& step) {
            return step.failure_kind == errors::ErrorKind::InstallRequirements;
        });
    }
    if (plan.kind == entry::EntryPointKind::Command)
        entry::make_executable(spec.code_dir, plan.entry_point_file);

    process::SupervisorOptions options;
    // The job's train gives this command the same deadline for the same stop: a second less
    // lets it kill its program's group and report before it is killed itself.
    options.stop_timeout = settings.stop_timeout > std::chrono::seconds(2)
                               ? settings.stop_timeout - std::chrono::seconds(1)
                               : settings.stop_timeout / 2;
    options.cleanup_timeout = settings.cleanup_timeout;
    if (auto failed = run_preparation(plan, options)) return *failed;

    stop_if_requested("starting the program");
    return run_with_runner(spec.runner, env, plan, settings, options);
}

// The result for the toolkit, and its copy for the job's train.
void report(const EntryPointSpec& spec, const reporting::Verdict& verdict) {
    const reporting::RunReport result = reporting::run_report(verdict);
    const std::string command = shown_command(spec.runner, spec);
    write_run_result(spec.result_file, result, command);
    const std::string results_dir = spec.environment.get_or(kRunResultsDirVariable, "");
    if (!results_dir.empty())
        write_run_result(std::filesystem::path(results_dir) / kLastRunResultName, result, command);
}

}  // namespace

int run_entry_point_main(int argc, char** argv) {
    std::optional<EntryPointSpec> spec;
    reporting::Verdict verdict;
    // This command's one catch: every failure becomes a verdict, reported in the result file.
    try {
        spec = read_entry_point_spec(spec_file_from(argc, argv));
        verdict = run_spec(*spec);
    } catch (const errors::Error& error) {
        verdict = reporting::verdict_for_error(error);
    } catch (const std::exception& unexpected) {
        verdict = reporting::verdict_for_error(
            errors::Error(errors::ErrorKind::Internal,
                          std::string("optml hit an unexpected error: ") + unexpected.what()));
    }
    if (!verdict.succeeded()) {
        // A program's failure text is mostly its stderr, shown already: its first line does.
        std::string reason = *verdict.failure_reason;
        if (!verdict.error_text.empty()) reason = reason.substr(0, reason.find('\n'));
        std::replace(reason.begin(), reason.end(), '\n', ' ');
        logging::error("run-entry-point failed (exit code " + std::to_string(verdict.exit_code) +
                       "): " + reason);
    }
    if (spec) report(*spec, verdict);
    return verdict.exit_code;
}

}  // namespace optml::app
