#pragma once

#include "toolkit/config/settings.hpp"
#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::parameter_server {

// The parameter-server job on this host (OPTML_PARAMETER_SERVER: mxnet or tensorflow): the
// plan's server processes (an MXNet scheduler on the first host and a server on every host, or
// a TensorFlow ps task) start first as helper processes, then the program runs under the
// supervisor with the flavour's variables. Servers never exit on their own: when the program
// ends they get SIGTERM, then SIGKILL after OPTML_CLEANUP_TIMEOUT, and the verdict is the
// program's. A server command comes from OPTML_PARAMETER_SERVER_COMMAND when set.
reporting::Verdict run_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const config::Settings& settings,
                           const process::SupervisorOptions& supervision);

}  // namespace optml::parameter_server
