#pragma once

#include "toolkit/config/training_env.hpp"

namespace optml::launchers {

enum class RunnerKind {
    Process,           // the program once on this host (the reference's ProcessRunner)
    Mpi,               // mpirun over SSH from the first distribution host
    TorchDistributed,  // torchrun on every distribution host
    ParameterServer,   // server processes next to the program on every distribution host
};

// The reference's frameworks choose a launcher only when this host's instance group is one
// of the distribution groups, and then MPI before torchrun before parameter servers; a
// switch counts when its value is truthy in Python's sense ("true" decodes to True).
RunnerKind choose_runner(const config::TrainingEnv& env);

// current_instance_group in distribution_instance_groups.
bool distribution_enabled(const config::TrainingEnv& env);

}  // namespace optml::launchers
