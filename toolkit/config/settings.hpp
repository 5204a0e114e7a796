#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "toolkit/system/environment.hpp"

namespace optml::config {

// How a setting's text is read. A value that breaks its rule is errors::Error(Configuration)
// "The environment variable NAME must be ...", never naming the value (it may be a secret).
// Numbers follow Python's int() syntax. A value that is empty or only spaces counts as unset.
enum class SettingRule {
    Seconds,          // a whole number of seconds, 0 to 7 days (or to the row's maximum)
    PositiveSeconds,  // a whole number of seconds, 1 to 7 days: a timeout that must allow work
    Port,             // a TCP port number, 1-65535
    Count,            // a whole number from 1 (to the row's maximum)
    Megabytes,        // a whole number of MB, 0 (no limit) to 1 TiB
    Flag,             // true or false (also 1/0, yes/no), in any case
    Text,             // any text: a command line, a path, a host
    OneOf,            // one of the row's choices, exactly
    OneOfAnyCase,     // one of the row's choices in any case, read as the row spells it
};

// One environment variable optml reads: its name, its rule, and its default written once.
struct SettingRow {
    std::string_view name;
    SettingRule rule;
    std::string_view default_value;                  // empty: unset, or computed by its reader
    std::span<const std::string_view> choices = {};  // OneOf only
    std::string_view reader;                         // the module that uses it
    long long maximum = 0;  // Seconds and Count: the largest value, when not the rule's own
};

// Every OPTML_* and SAGEMAKER_* variable train reads, in README.md's order (a test checks
// that README's settings tables list exactly these).
std::span<const SettingRow> training_setting_rows();

// Every variable serve reads, in the order of README's serve table (checked the same way).
// A table of its own, so train's start-up never reads them.
std::span<const SettingRow> serving_setting_rows();

// The training row named `name`; throws errors::Error(Internal) for a name that has none.
const SettingRow& setting_row(std::string_view name);

// The serving row named `name`; throws errors::Error(Internal) for a name that has none.
const SettingRow& serving_setting_row(std::string_view name);

// The value of `row` in `environment`, its default when unset; throws
// errors::Error(Configuration) naming the variable when the value breaks the row's rule.
std::optional<std::string> setting_text(const SettingRow& row,
                                        const system::EnvironmentSnapshot& environment);

// The number a Seconds, PositiveSeconds, Port, Count or Megabytes row holds (its default when
// unset, nullopt when it has none); throws as setting_text does.
std::optional<long long> setting_number(const SettingRow& row,
                                        const system::EnvironmentSnapshot& environment);

// A Flag row's value (its default when unset, nullopt when it has none).
std::optional<bool> setting_flag(const SettingRow& row,
                                 const system::EnvironmentSnapshot& environment);

// The Seconds setting `name` (its default when unset); throws as setting_text does.
std::chrono::milliseconds setting_seconds(std::string_view name,
                                          const system::EnvironmentSnapshot& environment);

// optml's own knobs as train uses them, read once from training_setting_rows().
struct Settings {
    std::chrono::milliseconds probe_timeout{};            // OPTML_PROBE_TIMEOUT
    std::chrono::milliseconds host_resolution_timeout{};  // OPTML_HOST_RESOLUTION_TIMEOUT
    std::chrono::milliseconds stop_timeout{};             // OPTML_STOP_TIMEOUT
    std::chrono::milliseconds cleanup_timeout{};          // OPTML_CLEANUP_TIMEOUT
    // MPI leader: how long every worker's sshd may take to accept connections.
    std::chrono::milliseconds mpi_workers_timeout{};  // OPTML_MPI_WORKERS_TIMEOUT
    // MPI worker: how long the leader may take to open its job status port.
    std::chrono::milliseconds mpi_job_start_timeout{};  // OPTML_MPI_JOB_START_TIMEOUT
    int mpi_status_port = 0;                            // OPTML_MPI_STATUS_PORT
    // Command lines, split into words by the launchers (shlex rules): what runs torchrun, and
    // what runs a parameter server (empty: the flavour's default bootstrap).
    std::string torchrun;                  // OPTML_TORCHRUN
    std::string parameter_server_command;  // OPTML_PARAMETER_SERVER_COMMAND
    std::string parameter_server_flavour;  // OPTML_PARAMETER_SERVER: mxnet, tensorflow
    // XGBoost: how long the leader waits for every host's train to join (and a worker for the
    // leader's status port), the status port, and the port XGBoost's tracker listens on.
    std::chrono::milliseconds xgboost_join_timeout{};  // OPTML_XGBOOST_JOIN_TIMEOUT
    int xgboost_status_port = 0;                       // OPTML_XGBOOST_STATUS_PORT
    int xgboost_tracker_port = 0;                      // OPTML_XGBOOST_TRACKER_PORT
};

// Checks every row of training_setting_rows() (a bad value fails the job before anything
// starts, also for the variables read by s3/ and entry/) and returns train's knobs.
Settings read_settings(const system::EnvironmentSnapshot& environment);

}  // namespace optml::config
