#include "toolkit/config/settings.hpp"

#include <string>

#include "toolkit/config/python_values.hpp"
#include "toolkit/errors/error.hpp"

namespace optml::config {

namespace {

void read_seconds(const system::EnvironmentSnapshot& environment, const char* variable,
                  std::chrono::milliseconds& setting) {
    auto text = environment.get(variable);
    if (!text) return;
    auto seconds = parse_python_int(*text);
    if (!seconds || *seconds < 0 || *seconds > 7 * 24 * 3600) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            std::string("The environment variable ") + variable +
                                " must be a whole number of seconds.");
    }
    setting = std::chrono::seconds(*seconds);
}

void read_port(const system::EnvironmentSnapshot& environment, const char* variable, int& setting) {
    auto text = environment.get(variable);
    if (!text) return;
    auto port = parse_python_int(*text);
    if (!port || *port < 1 || *port > 65535) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            std::string("The environment variable ") + variable +
                                " must be a TCP port number (1-65535).");
    }
    setting = static_cast<int>(*port);
}

void read_text(const system::EnvironmentSnapshot& environment, const char* variable,
               std::string& setting) {
    if (auto text = environment.get(variable)) setting = *text;
}

}  // namespace

Settings read_settings(const system::EnvironmentSnapshot& environment) {
    Settings settings;
    read_seconds(environment, "OPTML_PROBE_TIMEOUT", settings.probe_timeout);
    read_seconds(environment, "OPTML_HOST_RESOLUTION_TIMEOUT", settings.host_resolution_timeout);
    read_seconds(environment, "OPTML_STOP_TIMEOUT", settings.stop_timeout);
    read_seconds(environment, "OPTML_CLEANUP_TIMEOUT", settings.cleanup_timeout);
    read_seconds(environment, "OPTML_MPI_WORKERS_TIMEOUT", settings.mpi_workers_timeout);
    read_seconds(environment, "OPTML_MPI_JOB_START_TIMEOUT", settings.mpi_job_start_timeout);
    read_port(environment, "OPTML_MPI_STATUS_PORT", settings.mpi_status_port);
    read_text(environment, "OPTML_TORCHRUN", settings.torchrun);
    read_text(environment, "OPTML_PARAMETER_SERVER_COMMAND", settings.parameter_server_command);
    read_text(environment, "OPTML_PARAMETER_SERVER", settings.parameter_server_flavour);
    if (settings.parameter_server_flavour != "mxnet" &&
        settings.parameter_server_flavour != "tensorflow") {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "The environment variable OPTML_PARAMETER_SERVER must be mxnet or "
                            "tensorflow.");
    }
    return settings;
}

}  // namespace optml::config
