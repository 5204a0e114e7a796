#include "toolkit/serve/settings.hpp"

#include "toolkit/config/settings.hpp"

namespace optml::serve {

namespace {

// Reads serve's variables through config/'s serving table, where each rule and default is
// written once.
class Reader {
  public:
    explicit Reader(const system::EnvironmentSnapshot& environment) : environment_(environment) {}

    std::optional<std::string> text(std::string_view name) const {
        return config::setting_text(config::serving_setting_row(name), environment_);
    }
    std::optional<long long> number(std::string_view name) const {
        return config::setting_number(config::serving_setting_row(name), environment_);
    }
    std::optional<bool> flag(std::string_view name) const {
        return config::setting_flag(config::serving_setting_row(name), environment_);
    }

  private:
    const system::EnvironmentSnapshot& environment_;
};

}  // namespace

ServeSettings read_serve_settings(const system::EnvironmentSnapshot& environment,
                                  unsigned cpu_count) {
    const Reader read(environment);
    ServeSettings settings;
    settings.port = static_cast<std::uint16_t>(*read.number("SAGEMAKER_BIND_TO_PORT"));
    settings.bind_address = *read.text("OPTML_SERVE_BIND_ADDRESS");
    settings.multi_model = read.flag("SAGEMAKER_MULTI_MODEL").value_or(false);
    // A multi-model endpoint's default is one worker per model, as the reference configures
    // its model server (default_workers_per_model=1).
    const unsigned default_workers = settings.multi_model || cpu_count == 0 ? 1 : cpu_count;
    settings.workers = static_cast<unsigned>(
        read.number("SAGEMAKER_MODEL_SERVER_WORKERS").value_or(default_workers));
    // The reference reads SAGEMAKER_MODEL_SERVER_TIMEOUT; newer containers spell it with
    // _SECONDS. The first one set wins; both are checked.
    const auto timeout_seconds = read.number("SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS");
    settings.model_server_timeout = std::chrono::seconds(
        read.number("SAGEMAKER_MODEL_SERVER_TIMEOUT").value_or(*timeout_seconds));
    settings.startup_timeout = std::chrono::seconds(*read.number("SAGEMAKER_STARTUP_TIMEOUT"));
    if (const auto payload = read.number("SAGEMAKER_MAX_PAYLOAD_IN_MB")) {
        settings.max_payload_mb = static_cast<unsigned>(*payload);
        settings.max_payload_set = true;
    }
    settings.max_concurrent_transforms = static_cast<unsigned>(
        read.number("SAGEMAKER_MAX_CONCURRENT_TRANSFORMS").value_or(settings.workers));
    settings.batch_strategy = *read.text("SAGEMAKER_BATCH_STRATEGY");
    settings.default_accept = *read.text("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT");
    settings.program = *read.text("SAGEMAKER_PROGRAM");
    settings.submit_directory = read.text("SAGEMAKER_SUBMIT_DIRECTORY");
    settings.base_dir = *read.text("SAGEMAKER_BASE_DIR");
    settings.preload = read.flag("OPTML_SERVE_PRELOAD");
    if (const auto budget = read.number("OPTML_SERVE_MODEL_MEMORY_MB")) {
        settings.model_memory_mb = static_cast<std::uint64_t>(*budget);
    }
    settings.queue_size = static_cast<unsigned>(*read.number("OPTML_SERVE_QUEUE_SIZE"));
    settings.drain_timeout = std::chrono::seconds(*read.number("OPTML_SERVE_DRAIN_TIMEOUT"));
    settings.python = *read.text("OPTML_PYTHON");
    settings.python_package_dir = read.text("OPTML_PYTHON_PACKAGE_DIR");
    return settings;
}

}  // namespace optml::serve
