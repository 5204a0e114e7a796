#pragma once

#include <string>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"

namespace optml::app {

// The two runner types the reference builds on top of others, as data (unit-tested without
// spawning anything).

// PyTorchXLA: a Process run of `python -m torch_xla.distributed.xla_spawn --num_gpus N SCRIPT
// ARGS` with the reference's NCCL_*, FI_*, XRT_* and GPU_NUM_DEVICES variables. Like the
// reference it needs GPUs and a Python script: otherwise errors::Error(EntryPoint) says so.
entry::LaunchPlan pytorch_xla_launch(const config::TrainingEnv& env, entry::LaunchPlan launch);

// SMDataParallel: the MPI runner with the reference's smdataparallel mpirun options (single
// node or homogeneous multi-node, EFA variables for the instance type) followed by the
// sagemaker_distributed_dataparallel_custom_mpi_options, as one option text that takes the
// place of sagemaker_mpi_custom_mpi_options in `env`.
void use_smdataparallel_options(config::TrainingEnv& env);

// What goes before the program on every SMDataParallel rank: `smddprun` when the image has it.
std::vector<std::string> smdataparallel_prefix(const config::TrainingEnv& env);

}  // namespace optml::app
