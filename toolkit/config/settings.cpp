#include "toolkit/config/settings.hpp"

#include <array>
#include <string>

#include "toolkit/config/python_values.hpp"
#include "toolkit/errors/error.hpp"

namespace optml::config {

namespace {

using Rule = SettingRule;

constexpr std::array<std::string_view, 2> kParameterServerFlavours = {"mxnet", "tensorflow"};
constexpr std::array<std::string_view, 2> kAddressingStyles = {"path", "virtual"};

constexpr long long kMaxSeconds = 7 * 24 * 3600;

// The one table. Defaults that depend on the machine (the interpreter on PATH) or on another
// variable (the region) are left empty and computed by their reader.
constexpr std::array kTrainingRows = {
    SettingRow{"SAGEMAKER_BASE_DIR", Rule::Text, "/opt/ml", {}, "config"},
    SettingRow{"SAGEMAKER_PROGRAM", Rule::Text, "", {}, "config"},
    SettingRow{"SAGEMAKER_TRAINING_MODULE", Rule::Text, "", {}, "config"},
    SettingRow{"SAGEMAKER_CONTAINER_LOG_LEVEL", Rule::Text, "", {}, "config"},
    SettingRow{"OPTML_PYTHON", Rule::Text, "", {}, "entry"},
    SettingRow{"OPTML_HOST_RESOLUTION_TIMEOUT", Rule::Seconds, "300", {}, "cluster"},
    SettingRow{"OPTML_PROBE_TIMEOUT", Rule::Seconds, "10", {}, "hardware"},
    SettingRow{"OPTML_STOP_TIMEOUT", Rule::Seconds, "100", {}, "process"},
    SettingRow{"OPTML_CLEANUP_TIMEOUT", Rule::Seconds, "2", {}, "process"},
    SettingRow{"OPTML_MPI_WORKERS_TIMEOUT", Rule::Seconds, "300", {}, "mpi"},
    SettingRow{"OPTML_MPI_JOB_START_TIMEOUT", Rule::Seconds, "600", {}, "mpi"},
    SettingRow{"OPTML_MPI_STATUS_PORT", Rule::Port, "7799", {}, "mpi"},
    SettingRow{"OPTML_TORCHRUN", Rule::Text, "torchrun", {}, "torchrun"},
    SettingRow{"OPTML_PARAMETER_SERVER", Rule::OneOf, "mxnet", kParameterServerFlavours,
               "parameter_server"},
    SettingRow{"OPTML_PARAMETER_SERVER_COMMAND", Rule::Text, "", {}, "parameter_server"},
    SettingRow{"SAGEMAKER_JOB_CONDA_ENV", Rule::Text, "", {}, "remote"},
    SettingRow{"SAGEMAKER_REGION", Rule::Text, "", {}, "s3"},
    SettingRow{"OPTML_S3_ADDRESSING_STYLE", Rule::OneOf, "", kAddressingStyles, "s3"},
    SettingRow{"OPTML_CONTAINER_CREDENTIALS_HOST", Rule::Text, "", {}, "s3"},
    SettingRow{"OPTML_INTERMEDIATE_FLUSH_TIMEOUT", Rule::Seconds, "600", {}, "sync"},
};

[[noreturn]] void reject(const SettingRow& row, const std::string& requirement) {
    throw errors::Error(
        errors::ErrorKind::Configuration,
        "The environment variable " + std::string(row.name) + " must be " + requirement + ".");
}

std::string choices_text(const SettingRow& row) {
    std::string text;
    for (std::size_t i = 0; i < row.choices.size(); ++i) {
        if (i > 0) text += i + 1 == row.choices.size() ? " or " : ", ";
        text += row.choices[i];
    }
    return text;
}

void check_rule(const SettingRow& row, std::string_view text) {
    switch (row.rule) {
        case Rule::Seconds: {
            const auto seconds = parse_python_int(text);
            if (!seconds || *seconds < 0 || *seconds > kMaxSeconds)
                reject(row, "a whole number of seconds");
            return;
        }
        case Rule::Port: {
            const auto port = parse_python_int(text);
            if (!port || *port < 1 || *port > 65535) reject(row, "a TCP port number (1-65535)");
            return;
        }
        case Rule::OneOf:
            for (std::string_view choice : row.choices) {
                if (text == choice) return;
            }
            reject(row, choices_text(row));
        case Rule::Text:
            return;
    }
}

std::string text_of(const system::EnvironmentSnapshot& environment, std::string_view name) {
    return setting_text(setting_row(name), environment).value_or("");
}

}  // namespace

std::span<const SettingRow> training_setting_rows() {
    return kTrainingRows;
}

const SettingRow& setting_row(std::string_view name) {
    for (const SettingRow& row : kTrainingRows) {
        if (row.name == name) return row;
    }
    throw errors::Error(errors::ErrorKind::Internal,
                        "optml has no setting named " + std::string(name) + ".");
}

std::optional<std::string> setting_text(const SettingRow& row,
                                        const system::EnvironmentSnapshot& environment) {
    if (auto text = environment.get(row.name)) {
        check_rule(row, *text);
        return text;
    }
    if (row.default_value.empty()) return std::nullopt;
    return std::string(row.default_value);
}

std::chrono::milliseconds setting_seconds(std::string_view name,
                                          const system::EnvironmentSnapshot& environment) {
    return std::chrono::seconds(*parse_python_int(*setting_text(setting_row(name), environment)));
}

Settings read_settings(const system::EnvironmentSnapshot& environment) {
    for (const SettingRow& row : kTrainingRows) setting_text(row, environment);
    Settings settings;
    settings.probe_timeout = setting_seconds("OPTML_PROBE_TIMEOUT", environment);
    settings.host_resolution_timeout =
        setting_seconds("OPTML_HOST_RESOLUTION_TIMEOUT", environment);
    settings.stop_timeout = setting_seconds("OPTML_STOP_TIMEOUT", environment);
    settings.cleanup_timeout = setting_seconds("OPTML_CLEANUP_TIMEOUT", environment);
    settings.mpi_workers_timeout = setting_seconds("OPTML_MPI_WORKERS_TIMEOUT", environment);
    settings.mpi_job_start_timeout = setting_seconds("OPTML_MPI_JOB_START_TIMEOUT", environment);
    settings.mpi_status_port = static_cast<int>(
        *parse_python_int(*setting_text(setting_row("OPTML_MPI_STATUS_PORT"), environment)));
    settings.torchrun = text_of(environment, "OPTML_TORCHRUN");
    settings.parameter_server_command = text_of(environment, "OPTML_PARAMETER_SERVER_COMMAND");
    settings.parameter_server_flavour = text_of(environment, "OPTML_PARAMETER_SERVER");
    return settings;
}

}  // namespace optml::config
