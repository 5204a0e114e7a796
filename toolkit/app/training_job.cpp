#include "toolkit/app/training_job.hpp"

#include "toolkit/app/framework_run.hpp"
#include "toolkit/app/job_steps.hpp"

#include "toolkit/launchers/started_program.hpp"
#include "toolkit/mpi/job.hpp"
#include "toolkit/parameter_server/job.hpp"
#include "toolkit/torchrun/job.hpp"
#include "toolkit/xgboost/job.hpp"

#include "toolkit/cluster/host_resolution.hpp"
#include "toolkit/config/settings.hpp"
#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/files/code_acquisition.hpp"
#include "toolkit/hardware/hardware.hpp"
#include "toolkit/launchers/runner_kind.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/mapping/program_environment.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/sync/intermediate_sync.hpp"
#include "toolkit/system/uri_redaction.hpp"

namespace optml::app {

namespace {

std::string joined_names(const pyjson::Dict& dict) {
    std::string names;
    for (const auto& [name, value] : dict) {
        (void)value;
        names += names.empty() ? name : ", " + name;
    }
    return names.empty() ? "(none)" : names;
}

void log_job(const config::TrainingEnv& env) {
    logging::info("job " + env.job_name.value_or("(no TRAINING_JOB_NAME)") + " on host " +
                  env.current_host + " of " + std::to_string(env.hosts.size()) + ", master " +
                  env.master_hostname);
    // Names only: hyperparameter values may carry secrets.
    logging::info("hyperparameters: " + joined_names(env.hyperparameters));
    logging::info("framework parameters: " + joined_names(env.additional_framework_parameters));
    logging::info("hardware: " + std::to_string(env.hardware.cpus) + " CPUs, " +
                  std::to_string(env.hardware.gpus) + " GPUs, " +
                  std::to_string(env.hardware.neuron_cores) + " Neuron cores");
}

void log_code_source(files::CodeSource source, const config::TrainingEnv& env) {
    switch (source) {
        case files::CodeSource::AlreadyPresent:
            logging::debug("code dir " + env.paths.code.string() + " already holds the code");
            break;
        case files::CodeSource::CopiedDirectory:
            logging::info("copied " + system::redact_uri(env.module_dir) + " into " +
                          env.paths.code.string());
            break;
        case files::CodeSource::ExtractedArchive:
            logging::info("extracted " + system::redact_uri(env.module_dir) + " into " +
                          env.paths.code.string());
            break;
    }
}

// One process on this host, or the job's multi-host runner. The framework process of
// SAGEMAKER_TRAINING_MODULE is always one process: its toolkit chooses the user program's.
reporting::Verdict run_program(const config::TrainingEnv& env, const entry::LaunchPlan& plan,
                               const config::Settings& settings,
                               const process::SupervisorOptions& options,
                               bool requirements_installed) {
    if (plan.kind == entry::EntryPointKind::FrameworkModule)
        return run_framework_process(plan, requirements_installed, options);
    const launchers::RunnerKind runner = launchers::choose_runner(env);
    switch (runner) {
        case launchers::RunnerKind::Mpi:
            return mpi::run_job(env, plan, settings, options);
        case launchers::RunnerKind::TorchDistributed:
            return torchrun::run_job(env, plan, settings, options);
        case launchers::RunnerKind::ParameterServer:
            return parameter_server::run_job(env, plan, settings, options);
        case launchers::RunnerKind::Xgboost:
            return xgboost::run_job(env, plan, settings, options);
        case launchers::RunnerKind::Process:
            break;
    }
    logging::info("starting the " + std::string(entry::kind_name(plan.kind)) + " " +
                  env.user_entry_point.value_or(env.framework_module.value_or("")));
    const process::Outcome outcome = launchers::run_started(plan.program, options);
    logging::info("the program exited with " + std::to_string(outcome.exit_code()));
    return reporting::verdict_for_program(outcome);
}

}  // namespace

reporting::Verdict run_training_job(const system::EnvironmentSnapshot& environment) {
    const config::Settings settings = config::read_settings(environment);
    const config::Paths paths = config::Paths::from_environment(environment);
    const config::ConfigDocuments documents = config::read_config_documents(paths);
    const hardware::HardwareCounts hardware =
        hardware::probe_hardware(environment, settings.probe_timeout);
    const config::TrainingEnv env =
        config::build_training_env(paths, documents, environment, hardware);

    const pyjson::Value& level = env.log_level;
    logging::set_python_level(level.is_bool()      ? level.as_bool()
                              : level.fits_int64() ? level.as_int64()
                                                   : 20);
    log_job(env);

    stop_if_requested("waiting for the hosts");
    if (!env.studio_local_mode)
        cluster::wait_for_hosts(env.hosts, settings.host_resolution_timeout);

    stop_if_requested("getting the code");
    log_code_source(files::acquire_code(env.module_dir, paths.code, environment), env);

    entry::LaunchInputs inputs{
        env, environment, mapping::to_cmd_args(env.hyperparameters),
        system::merge_environment(
            environment, mapping::program_variables(env, environment.get_or("PYTHONPATH", "")))};
    const entry::LaunchPlan plan = entry::plan_launch(inputs);
    if (plan.kind == entry::EntryPointKind::Command)
        entry::make_executable(paths.code, plan.entry_point_file);

    process::SupervisorOptions options;
    options.stop_timeout = settings.stop_timeout;
    options.cleanup_timeout = settings.cleanup_timeout;

    if (auto failed = run_preparation(plan, options)) return *failed;

    stop_if_requested("starting the program");
    // Uploads output/intermediate while the program runs; finish() flushes what is left,
    // also when the program failed or was stopped (the destructor covers a throw).
    std::unique_ptr<sync::IntermediateSync> intermediate =
        sync::IntermediateSync::start_if_configured(env, environment);
    const reporting::Verdict verdict =
        run_program(env, plan, settings, options, installs_requirements(plan));
    if (intermediate) intermediate->finish();
    return verdict;
}

}  // namespace optml::app
