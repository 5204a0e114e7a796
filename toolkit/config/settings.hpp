#pragma once

#include <chrono>

#include "toolkit/system/environment.hpp"

namespace optml::config {

// optml's own knobs, all optional environment variables (documented in README.md).
struct Settings {
    std::chrono::milliseconds probe_timeout{std::chrono::seconds(10)};  // OPTML_PROBE_TIMEOUT
    std::chrono::milliseconds host_resolution_timeout{
        std::chrono::seconds(300)};  // OPTML_HOST_RESOLUTION_TIMEOUT
    std::chrono::milliseconds stop_timeout{std::chrono::seconds(100)};   // OPTML_STOP_TIMEOUT
    std::chrono::milliseconds cleanup_timeout{std::chrono::seconds(2)};  // OPTML_CLEANUP_TIMEOUT
};

// Each variable holds a whole number of seconds. Throws errors::Error(Configuration) naming
// the variable when its value is not a non-negative integer.
Settings read_settings(const system::EnvironmentSnapshot& environment);

}  // namespace optml::config
