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
constexpr std::array<std::string_view, 2> kBatchStrategies = {"MULTI_RECORD", "SINGLE_RECORD"};

constexpr long long kMaxSeconds = 7 * 24 * 3600;
constexpr long long kMaxCount = 1000000;
constexpr long long kMaxMegabytes = 1024 * 1024;

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
    SettingRow{"OPTML_XGBOOST_JOIN_TIMEOUT", Rule::Seconds, "300", {}, "xgboost"},
    SettingRow{"OPTML_XGBOOST_STATUS_PORT", Rule::Port, "7798", {}, "xgboost"},
    SettingRow{"OPTML_XGBOOST_TRACKER_PORT", Rule::Port, "9091", {}, "xgboost"},
    SettingRow{"SAGEMAKER_JOB_CONDA_ENV", Rule::Text, "", {}, "remote"},
    SettingRow{"SAGEMAKER_REGION", Rule::Text, "", {}, "s3"},
    SettingRow{"OPTML_S3_ADDRESSING_STYLE", Rule::OneOf, "", kAddressingStyles, "s3"},
    SettingRow{"OPTML_CONTAINER_CREDENTIALS_HOST", Rule::Text, "", {}, "s3"},
    SettingRow{"OPTML_INTERMEDIATE_FLUSH_TIMEOUT", Rule::Seconds, "600", {}, "sync"},
};

// serve's table. Empty defaults are computed by serve: the worker count is the CPU count,
// the concurrent transforms the worker count, SAGEMAKER_MODEL_SERVER_TIMEOUT falls back to
// its _SECONDS spelling, an unset payload limit reports 6 MB but accepts 100 MiB, and the
// multi-model memory budget is a share of the container's memory limit.
constexpr std::array kServingRows = {
    SettingRow{"SAGEMAKER_BIND_TO_PORT", Rule::Port, "8080", {}, "serve"},
    SettingRow{"SAGEMAKER_MODEL_SERVER_WORKERS", Rule::Count, "", {}, "serve", 1024},
    SettingRow{"SAGEMAKER_MODEL_SERVER_TIMEOUT", Rule::PositiveSeconds, "", {}, "serve"},
    SettingRow{"SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS", Rule::PositiveSeconds, "60", {}, "serve"},
    SettingRow{"SAGEMAKER_STARTUP_TIMEOUT", Rule::PositiveSeconds, "600", {}, "serve"},
    SettingRow{"SAGEMAKER_MAX_PAYLOAD_IN_MB", Rule::Megabytes, "", {}, "serve"},
    SettingRow{"SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", Rule::Count, "", {}, "serve"},
    SettingRow{"SAGEMAKER_BATCH_STRATEGY", Rule::OneOfAnyCase, "MULTI_RECORD", kBatchStrategies,
               "serve"},
    SettingRow{"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", Rule::Text, "application/json", {}, "serve"},
    SettingRow{"SAGEMAKER_PROGRAM", Rule::Text, "inference.py", {}, "serve"},
    SettingRow{"SAGEMAKER_SUBMIT_DIRECTORY", Rule::Text, "", {}, "serve"},
    SettingRow{"SAGEMAKER_BASE_DIR", Rule::Text, "/opt/ml", {}, "serve"},
    SettingRow{"SAGEMAKER_MULTI_MODEL", Rule::Flag, "false", {}, "serve"},
    SettingRow{"OPTML_SERVE_PRELOAD", Rule::Flag, "", {}, "serve"},
    SettingRow{"OPTML_SERVE_MODEL_MEMORY_MB", Rule::Megabytes, "", {}, "serve"},
    SettingRow{"OPTML_SERVE_QUEUE_SIZE", Rule::Count, "100", {}, "serve"},
    SettingRow{"OPTML_SERVE_DRAIN_TIMEOUT", Rule::Seconds, "20", {}, "serve", 29},
    SettingRow{"OPTML_SERVE_BIND_ADDRESS", Rule::Text, "0.0.0.0", {}, "serve"},
    SettingRow{"OPTML_PYTHON", Rule::Text, "python3", {}, "serve"},
    SettingRow{"OPTML_PYTHON_PACKAGE_DIR", Rule::Text, "", {}, "serve"},
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

std::string range_text(long long minimum, long long maximum) {
    return "from " + std::to_string(minimum) + " to " + std::to_string(maximum);
}

// The number in `text` when it lies in [minimum, maximum]; rejects the row otherwise.
long long number_in(const SettingRow& row, std::string_view text, long long minimum,
                    long long maximum, const std::string& requirement) {
    const auto number = parse_python_int(text);
    if (!number || *number < minimum || *number > maximum) reject(row, requirement);
    return *number;
}

std::optional<bool> flag_of(std::string_view text) {
    const std::string lowered = lower_ascii(text);
    if (lowered == "true" || lowered == "1" || lowered == "yes") return true;
    if (lowered == "false" || lowered == "0" || lowered == "no") return false;
    return std::nullopt;
}

// The value as the row reads it: checked against its rule, a choice spelled as the row does.
std::string checked(const SettingRow& row, std::string_view text) {
    const long long maximum_seconds = row.maximum > 0 ? row.maximum : kMaxSeconds;
    const long long maximum_count = row.maximum > 0 ? row.maximum : kMaxCount;
    switch (row.rule) {
        case Rule::Seconds:
            number_in(row, text, 0, maximum_seconds,
                      row.maximum > 0 ? "a whole number of seconds " + range_text(0, row.maximum)
                                      : "a whole number of seconds");
            break;
        case Rule::PositiveSeconds:
            number_in(row, text, 1, kMaxSeconds, "a whole number of seconds from 1");
            break;
        case Rule::Port:
            number_in(row, text, 1, 65535, "a TCP port number (1-65535)");
            break;
        case Rule::Count:
            number_in(row, text, 1, maximum_count,
                      "a whole number " + range_text(1, maximum_count));
            break;
        case Rule::Megabytes:
            number_in(row, text, 0, kMaxMegabytes, "a whole number of MB (0 for no limit)");
            break;
        case Rule::Flag:
            if (!flag_of(text)) reject(row, "true or false");
            break;
        case Rule::OneOf:
        case Rule::OneOfAnyCase:
            for (std::string_view choice : row.choices) {
                if (text == choice ||
                    (row.rule == Rule::OneOfAnyCase && lower_ascii(text) == lower_ascii(choice)))
                    return std::string(choice);
            }
            reject(row, choices_text(row));
        case Rule::Text:
            break;
    }
    return std::string(text);
}

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\n\r\v\f") == std::string_view::npos;
}

const SettingRow& row_in(std::span<const SettingRow> table, std::string_view name) {
    for (const SettingRow& row : table) {
        if (row.name == name) return row;
    }
    throw errors::Error(errors::ErrorKind::Internal,
                        "optml has no setting named " + std::string(name) + ".");
}

std::string text_of(const system::EnvironmentSnapshot& environment, std::string_view name) {
    return setting_text(setting_row(name), environment).value_or("");
}

}  // namespace

std::span<const SettingRow> training_setting_rows() {
    return kTrainingRows;
}

std::span<const SettingRow> serving_setting_rows() {
    return kServingRows;
}

const SettingRow& setting_row(std::string_view name) {
    return row_in(kTrainingRows, name);
}

const SettingRow& serving_setting_row(std::string_view name) {
    return row_in(kServingRows, name);
}

std::optional<std::string> setting_text(const SettingRow& row,
                                        const system::EnvironmentSnapshot& environment) {
    if (auto text = environment.get(row.name); text && !is_blank(*text)) {
        return checked(row, *text);
    }
    if (row.default_value.empty()) return std::nullopt;
    return std::string(row.default_value);
}

std::optional<long long> setting_number(const SettingRow& row,
                                        const system::EnvironmentSnapshot& environment) {
    const auto text = setting_text(row, environment);
    if (!text) return std::nullopt;
    const auto number = parse_python_int(*text);
    if (!number) {
        throw errors::Error(errors::ErrorKind::Internal,
                            "The setting " + std::string(row.name) + " holds no number.");
    }
    return number;
}

std::optional<bool> setting_flag(const SettingRow& row,
                                 const system::EnvironmentSnapshot& environment) {
    const auto text = setting_text(row, environment);
    if (!text) return std::nullopt;
    return flag_of(*text);
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
    settings.xgboost_join_timeout = setting_seconds("OPTML_XGBOOST_JOIN_TIMEOUT", environment);
    settings.xgboost_status_port = static_cast<int>(
        *parse_python_int(*setting_text(setting_row("OPTML_XGBOOST_STATUS_PORT"), environment)));
    settings.xgboost_tracker_port = static_cast<int>(
        *parse_python_int(*setting_text(setting_row("OPTML_XGBOOST_TRACKER_PORT"), environment)));
    return settings;
}

}  // namespace optml::config
