#include "toolkit/launchers/runner_kind.hpp"

#include <algorithm>

#include "toolkit/launchers/job_parameters.hpp"

namespace optml::launchers {

bool distribution_enabled(const config::TrainingEnv& env) {
    const auto& groups = env.distribution_instance_groups;
    return std::find(groups.begin(), groups.end(), env.current_instance_group) != groups.end();
}

RunnerKind choose_runner(const config::TrainingEnv& env) {
    if (!distribution_enabled(env)) return RunnerKind::Process;
    if (switched_on(env, kMpiEnabled)) return RunnerKind::Mpi;
    if (switched_on(env, kTorchDistributedEnabled)) return RunnerKind::TorchDistributed;
    if (switched_on(env, kParameterServerEnabled)) return RunnerKind::ParameterServer;
    if (switched_on(env, kXgboostEnabled)) return RunnerKind::Xgboost;
    return RunnerKind::Process;
}

}  // namespace optml::launchers
