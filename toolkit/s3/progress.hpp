#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "toolkit/s3/client_options.hpp"

namespace optml::s3::detail {

// Progress lines for one long transfer: at most one per interval, and none at all for
// transfers below the size threshold (code archives of a few kB stay quiet).
class TransferProgress {
  public:
    TransferProgress(const ClientOptions& options, std::string description, std::uint64_t total);
    void add(std::uint64_t bytes);
    void restart_at(std::uint64_t bytes) { done_ = bytes; }
    void finished();

  private:
    std::string description_;
    std::uint64_t total_;
    std::uint64_t done_ = 0;
    bool enabled_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point last_line_;
};

}  // namespace optml::s3::detail
