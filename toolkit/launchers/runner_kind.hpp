#pragma once

#include "toolkit/config/training_env.hpp"

namespace optml::launchers {

enum class RunnerKind {
    Process,           // the program once on this host (the reference's ProcessRunner)
    Mpi,               // mpirun over SSH from the first distribution host
    TorchDistributed,  // torchrun on every distribution host
    ParameterServer,   // server processes next to the program on every distribution host
    Xgboost,           // the program on every host with data, XGBoost's tracker on the first
};

// The reference's frameworks choose a launcher only when this host's instance group is one
// of the distribution groups, and then MPI before torchrun before parameter servers (optml's
// XGBoost runner, which the reference does not have, comes after them); a
// switch counts when its value is truthy in Python's sense ("true" decodes to True).
RunnerKind choose_runner(const config::TrainingEnv& env);

// current_instance_group in distribution_instance_groups.
bool distribution_enabled(const config::TrainingEnv& env);

}  // namespace optml::launchers
