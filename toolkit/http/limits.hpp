#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace optml::http {

// What one connection may cost the server. Times are checked by the server's sweep, so they
// hold within its tick (kSweepInterval), without a timer operation per request.
struct Limits {
    std::uint32_t max_header_bytes = 64 * 1024;   // request line and fields together
    std::optional<std::uint64_t> max_body_bytes;  // nullopt: unlimited
    // Keep-alive: how long a connection may sit between requests.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(65)};
    // From a request's first byte until it is read in full.
    std::chrono::milliseconds read_timeout{std::chrono::seconds(60)};
    // Writing one response (a client that stops reading is dropped).
    std::chrono::milliseconds write_timeout{std::chrono::seconds(60)};
};

inline constexpr std::chrono::milliseconds kSweepInterval{250};

}  // namespace optml::http
