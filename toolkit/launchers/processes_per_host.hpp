#pragma once

#include "toolkit/config/training_env.hpp"

namespace optml::launchers {

// sagemaker_mpi_num_of_processes_per_host, else one per GPU, else one per Neuron core,
// else 1 (the reference's default for every runner). Throws errors::Error(Configuration)
// naming the hyperparameter when it is not a positive integer.
long long processes_per_host(const config::TrainingEnv& env);

}  // namespace optml::launchers
