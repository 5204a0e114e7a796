#pragma once

#include <chrono>
#include <string>

#include "toolkit/system/environment.hpp"

namespace optml::config {

// optml's own knobs, all optional environment variables (documented in README.md).
struct Settings {
    std::chrono::milliseconds probe_timeout{std::chrono::seconds(10)};  // OPTML_PROBE_TIMEOUT
    std::chrono::milliseconds host_resolution_timeout{
        std::chrono::seconds(300)};  // OPTML_HOST_RESOLUTION_TIMEOUT
    std::chrono::milliseconds stop_timeout{std::chrono::seconds(100)};   // OPTML_STOP_TIMEOUT
    std::chrono::milliseconds cleanup_timeout{std::chrono::seconds(2)};  // OPTML_CLEANUP_TIMEOUT
    // MPI leader: how long every worker's sshd may take to accept connections.
    std::chrono::milliseconds mpi_workers_timeout{
        std::chrono::seconds(300)};  // OPTML_MPI_WORKERS_TIMEOUT
    // MPI worker: how long the leader may take to open its job status port.
    std::chrono::milliseconds mpi_job_start_timeout{
        std::chrono::seconds(600)};  // OPTML_MPI_JOB_START_TIMEOUT
    int mpi_status_port = 7799;      // OPTML_MPI_STATUS_PORT
    // Command lines, split into words by the launchers (shlex rules): what runs torchrun, and
    // what runs a parameter server (empty: the flavour's default bootstrap).
    std::string torchrun = "torchrun";               // OPTML_TORCHRUN
    std::string parameter_server_command;            // OPTML_PARAMETER_SERVER_COMMAND
    std::string parameter_server_flavour = "mxnet";  // OPTML_PARAMETER_SERVER: mxnet, tensorflow
};

// Each timeout variable holds a whole number of seconds, the port one a TCP port. Throws
// errors::Error(Configuration) naming the variable when its value is not a non-negative
// integer, or when OPTML_PARAMETER_SERVER is neither mxnet nor tensorflow.
Settings read_settings(const system::EnvironmentSnapshot& environment);

}  // namespace optml::config
