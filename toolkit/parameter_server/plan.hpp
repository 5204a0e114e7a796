#pragma once

#include <optional>
#include <string>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/launchers/environment_list.hpp"
#include "toolkit/process/command.hpp"

namespace optml::parameter_server {

enum class ParameterServerFlavour {
    Mxnet,       // ps-lite: DMLC_* variables, a scheduler and a server started by importing mxnet
    TensorFlow,  // TF_CONFIG, a "ps" task on every host of a multi-host cluster
};

struct ParameterServerOptions {
    ParameterServerFlavour flavour = ParameterServerFlavour::Mxnet;
    // The server processes' command; empty: the job's interpreter with the flavour's bootstrap
    // (`-c "import mxnet"`, as the reference's MXNet container does, or a small TensorFlow
    // server that serves its TF_CONFIG ps task until stopped).
    std::vector<std::string> server_command;
    // DMLC_PS_ROOT_URI; the reference gives the scheduler host's IP address (a DNS lookup,
    // which belongs to whoever runs the plan). Unset: the scheduler's host name.
    std::optional<std::string> root_address;
};

// A process started before the program that never exits on its own: it is stopped when the
// program ends.
struct ServerProcess {
    std::string role;  // "scheduler", "server" (MXNet) or "ps" (TensorFlow)
    process::Command command;
};

struct ParameterServerPlan {
    std::vector<ServerProcess> servers;      // in start order
    launchers::Variables program_additions;  // what the program's environment gains
    process::Command program;                // launch.program with those additions
};

// The parameter-server launch for this host over the distribution hosts: MXNet puts the
// scheduler on the first host and a server on every host, all with DMLC_NUM_SERVER =
// DMLC_NUM_WORKER = hosts, DMLC_PS_ROOT_PORT = the _ps_port hyperparameter or 8000 and
// PS_VERBOSE = _ps_verbose or 0; TensorFlow gives servers and program their TF_CONFIG (none on
// a single host, as the reference then trains without servers). Throws
// errors::Error(Configuration) when the current host is not a distribution host and
// errors::Error(EntryPoint) when a default server command needs a Python entry point.
ParameterServerPlan plan_parameter_server(const config::TrainingEnv& env,
                                          const entry::LaunchPlan& launch,
                                          const ParameterServerOptions& options = {});

}  // namespace optml::parameter_server
