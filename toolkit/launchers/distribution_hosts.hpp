#pragma once

#include <cstddef>

#include "toolkit/config/training_env.hpp"

namespace optml::launchers {

// Where the current host stands among the distribution hosts (the hosts taking part in a
// distributed launch; in a heterogeneous cluster only the distribution groups' hosts).
// Throws errors::Error(Configuration) when it is not one of them or there are none.
std::size_t distribution_index(const config::TrainingEnv& env);

}  // namespace optml::launchers
