#include "toolkit/app/spec_runner.hpp"

#include "toolkit/app/toolkit_runners.hpp"
#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/mpi/job.hpp"
#include "toolkit/torchrun/job.hpp"

namespace optml::app {

namespace {

reporting::Verdict run_process(const entry::LaunchPlan& launch,
                               const process::SupervisorOptions& supervision) {
    const process::Outcome outcome = launchers::run_started(launch.program, supervision);
    logging::info("the program exited with " + std::to_string(outcome.exit_code()));
    return reporting::verdict_for_program(outcome);
}

}  // namespace

reporting::Verdict run_with_runner(SpecRunner runner, config::TrainingEnv env,
                                   const entry::LaunchPlan& launch,
                                   const config::Settings& settings,
                                   const process::SupervisorOptions& supervision) {
    logging::info("running the " + std::string(entry::kind_name(launch.kind)) + " with the " +
                  std::string(spec_runner_name(runner)) + " runner");
    switch (runner) {
        case SpecRunner::Process:
            return run_process(launch, supervision);
        case SpecRunner::PyTorchXla:
            return run_process(pytorch_xla_launch(env, launch), supervision);
        case SpecRunner::Mpi:
            return mpi::run_job(env, launch, settings, supervision);
        case SpecRunner::SmDataParallel: {
            use_smdataparallel_options(env);
            return mpi::run_job(env, launch, settings, supervision, smdataparallel_prefix(env));
        }
        case SpecRunner::TorchDistributed:
            return torchrun::run_job(env, launch, settings, supervision);
    }
    return run_process(launch, supervision);
}

std::string shown_command(SpecRunner runner, const EntryPointSpec& spec) {
    const std::string program = spec.module ? "-m " + *spec.module : spec.entry_point.value_or("");
    switch (runner) {
        case SpecRunner::Process:
            return program;
        case SpecRunner::PyTorchXla:
            return "-m torch_xla.distributed.xla_spawn " + program;
        case SpecRunner::Mpi:
            return "mpirun " + program;
        case SpecRunner::SmDataParallel:
            return "mpirun smddprun " + program;
        case SpecRunner::TorchDistributed:
            return "torchrun " + program;
    }
    return program;
}

}  // namespace optml::app
