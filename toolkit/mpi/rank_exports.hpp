#pragma once

#include <string>
#include <vector>

namespace optml::mpi {

// The names from the program's environment that MPI ranks on other hosts need: AWS
// credential and region variables when present (they are secrets: never written anywhere,
// only exported by name), then every SM_*, SAGEMAKER_*, CURRENT_HOST and PYTHONPATH in
// the environment's order.
std::vector<std::string> rank_variable_names(const std::vector<std::string>& program_environment);

}  // namespace optml::mpi
