#include "toolkit/launchers/processes_per_host.hpp"

#include "toolkit/launchers/job_parameters.hpp"

namespace optml::launchers {

long long processes_per_host(const config::TrainingEnv& env) {
    if (auto configured = positive_int_parameter(env, kMpiProcessesPerHost)) return *configured;
    if (env.hardware.gpus > 0) return env.hardware.gpus;
    if (env.hardware.neuron_cores > 0) return env.hardware.neuron_cores;
    return 1;
}

}  // namespace optml::launchers
