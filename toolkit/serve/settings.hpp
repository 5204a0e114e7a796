#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "toolkit/system/environment.hpp"

namespace optml::serve {

// serve's settings, all environment variables (the SageMaker names where the platform or the
// reference defines one), read through config/'s serving table (rules and defaults there;
// documented in README.md).
struct ServeSettings {
    std::uint16_t port = 0;                       // SAGEMAKER_BIND_TO_PORT
    std::string bind_address;                     // OPTML_SERVE_BIND_ADDRESS
    unsigned workers = 1;                         // SAGEMAKER_MODEL_SERVER_WORKERS (or CPUs)
    std::chrono::seconds model_server_timeout{};  // SAGEMAKER_MODEL_SERVER_TIMEOUT(_SECONDS)
    std::chrono::seconds startup_timeout{};       // SAGEMAKER_STARTUP_TIMEOUT
    // SAGEMAKER_MAX_PAYLOAD_IN_MB: what /execution-parameters reports (6 when unset, as the
    // reference) and, when set, the body limit too (0: no limit).
    unsigned max_payload_mb = 6;
    bool max_payload_set = false;
    unsigned max_concurrent_transforms = 1;  // SAGEMAKER_MAX_CONCURRENT_TRANSFORMS (or workers)
    std::string batch_strategy;              // SAGEMAKER_BATCH_STRATEGY
    std::string default_accept;              // SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT
    std::string program;                     // SAGEMAKER_PROGRAM
    std::optional<bool> preload;             // OPTML_SERVE_PRELOAD; nullopt: as the loader says
    bool multi_model = false;                // SAGEMAKER_MULTI_MODEL
    // OPTML_SERVE_MODEL_MEMORY_MB: what the loaded models may use together (0: no budget);
    // nullopt: kDefaultMemoryShare of the container's memory limit.
    std::optional<std::uint64_t> model_memory_mb;
    unsigned queue_size = 1;                 // OPTML_SERVE_QUEUE_SIZE: waiting invocations
    std::chrono::seconds drain_timeout{};    // OPTML_SERVE_DRAIN_TIMEOUT, below 30
    std::optional<std::string> submit_directory;    // SAGEMAKER_SUBMIT_DIRECTORY
    std::string base_dir;                           // SAGEMAKER_BASE_DIR
    std::string python;                             // OPTML_PYTHON
    std::optional<std::string> python_package_dir;  // OPTML_PYTHON_PACKAGE_DIR

    // Unset, bodies up to 100 MiB are accepted: the largest payload batch transform sends,
    // where the reported 6 MB would refuse what SageMaker itself lets through.
    static constexpr unsigned kUnsetBodyLimitMb = 100;
    // The models' share of the container's memory when OPTML_SERVE_MODEL_MEMORY_MB is unset:
    // the rest is for serve, request bodies and what handlers allocate per request.
    static constexpr double kDefaultMemoryShare = 0.7;

    std::optional<std::uint64_t> max_body_bytes() const {
        const unsigned limit_mb = max_payload_set ? max_payload_mb : kUnsetBodyLimitMb;
        if (limit_mb == 0) return std::nullopt;
        return static_cast<std::uint64_t>(limit_mb) * 1024 * 1024;
    }
};

// Throws errors::Error(Configuration) naming the variable (never its value) when a value
// is not what the variable takes. `cpu_count` is the default worker count.
ServeSettings read_serve_settings(const system::EnvironmentSnapshot& environment,
                                  unsigned cpu_count);

}  // namespace optml::serve
