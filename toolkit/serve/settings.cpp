#include "toolkit/serve/settings.hpp"

#include <cctype>
#include <charconv>
#include <limits>

#include "toolkit/errors/error.hpp"

namespace optml::serve {

namespace {

[[noreturn]] void reject(std::string_view variable, std::string_view expectation) {
    throw errors::Error(errors::ErrorKind::Configuration, "The environment variable " +
                                                              std::string(variable) + " must be " +
                                                              std::string(expectation) + ".");
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// A whole number in [minimum, maximum], or nullopt when the variable is unset or empty.
std::optional<unsigned long long> read_number(const system::EnvironmentSnapshot& environment,
                                              std::string_view variable, unsigned long long minimum,
                                              unsigned long long maximum,
                                              std::string_view expectation) {
    const auto raw = environment.get(variable);
    if (!raw) return std::nullopt;
    const std::string_view text = trimmed(*raw);
    if (text.empty()) return std::nullopt;
    unsigned long long value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || value < minimum ||
        value > maximum) {
        reject(variable, expectation);
    }
    return value;
}

std::optional<bool> read_flag(const system::EnvironmentSnapshot& environment,
                              std::string_view variable) {
    const auto raw = environment.get(variable);
    if (!raw) return std::nullopt;
    std::string lowered;
    for (const char c : trimmed(*raw)) lowered.push_back(static_cast<char>(std::tolower(c)));
    if (lowered.empty()) return std::nullopt;
    if (lowered == "true" || lowered == "1" || lowered == "yes") return true;
    if (lowered == "false" || lowered == "0" || lowered == "no") return false;
    reject(variable, "true or false");
}

std::optional<std::string> read_text(const system::EnvironmentSnapshot& environment,
                                     std::string_view variable) {
    auto raw = environment.get(variable);
    if (!raw || trimmed(*raw).empty()) return std::nullopt;
    return std::string(trimmed(*raw));
}

}  // namespace

ServeSettings read_serve_settings(const system::EnvironmentSnapshot& environment,
                                  unsigned cpu_count) {
    constexpr auto kMaxUnsigned = std::numeric_limits<unsigned>::max();
    constexpr unsigned long long kDay = 24 * 3600;
    ServeSettings settings;
    if (auto port = read_number(environment, "SAGEMAKER_BIND_TO_PORT", 0, 65535,
                                "a TCP port number (0 to 65535)")) {
        settings.port = static_cast<std::uint16_t>(*port);
    }
    if (auto address = read_text(environment, "OPTML_SERVE_BIND_ADDRESS")) {
        settings.bind_address = *address;
    }
    settings.workers = cpu_count > 0 ? cpu_count : 1;
    if (auto workers = read_number(environment, "SAGEMAKER_MODEL_SERVER_WORKERS", 1, 1024,
                                   "a whole number of workers from 1 to 1024")) {
        settings.workers = static_cast<unsigned>(*workers);
    }
    // The reference reads SAGEMAKER_MODEL_SERVER_TIMEOUT; newer containers spell it with
    // _SECONDS. The first one set wins.
    auto timeout = read_number(environment, "SAGEMAKER_MODEL_SERVER_TIMEOUT", 1, kDay,
                               "a whole number of seconds from 1 to 86400");
    if (!timeout) {
        timeout = read_number(environment, "SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS", 1, kDay,
                              "a whole number of seconds from 1 to 86400");
    }
    if (timeout) settings.model_server_timeout = std::chrono::seconds(*timeout);
    if (auto startup = read_number(environment, "SAGEMAKER_STARTUP_TIMEOUT", 1, kDay,
                                   "a whole number of seconds from 1 to 86400")) {
        settings.startup_timeout = std::chrono::seconds(*startup);
    }
    if (auto payload = read_number(environment, "SAGEMAKER_MAX_PAYLOAD_IN_MB", 0, 1024 * 1024,
                                   "a whole number of MB (0 for no limit)")) {
        settings.max_payload_mb = static_cast<unsigned>(*payload);
        settings.max_payload_set = true;
    }
    settings.max_concurrent_transforms = settings.workers;
    if (auto transforms = read_number(environment, "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", 1,
                                      kMaxUnsigned, "a whole number from 1")) {
        settings.max_concurrent_transforms = static_cast<unsigned>(*transforms);
    }
    if (auto strategy = read_text(environment, "SAGEMAKER_BATCH_STRATEGY")) {
        std::string upper;
        for (const char c : *strategy) upper.push_back(static_cast<char>(std::toupper(c)));
        if (upper != "MULTI_RECORD" && upper != "SINGLE_RECORD") {
            reject("SAGEMAKER_BATCH_STRATEGY", "MULTI_RECORD or SINGLE_RECORD");
        }
        settings.batch_strategy = upper;
    }
    if (auto accept = read_text(environment, "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT")) {
        settings.default_accept = *accept;
    }
    if (auto program = read_text(environment, "SAGEMAKER_PROGRAM")) settings.program = *program;
    settings.preload = read_flag(environment, "OPTML_SERVE_PRELOAD");
    if (auto queue = read_number(environment, "OPTML_SERVE_QUEUE_SIZE", 1, 1000000,
                                 "a whole number from 1 to 1000000")) {
        settings.queue_size = static_cast<unsigned>(*queue);
    }
    if (auto drain = read_number(environment, "OPTML_SERVE_DRAIN_TIMEOUT", 0, 29,
                                 "a whole number of seconds below 30")) {
        settings.drain_timeout = std::chrono::seconds(*drain);
    }
    settings.submit_directory = read_text(environment, "SAGEMAKER_SUBMIT_DIRECTORY");
    if (auto python = read_text(environment, "OPTML_PYTHON")) settings.python = *python;
    settings.python_package_dir = read_text(environment, "OPTML_PYTHON_PACKAGE_DIR");
    return settings;
}

}  // namespace optml::serve
