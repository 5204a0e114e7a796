#include "toolkit/s3/progress.hpp"

#include <cstdio>

#include "toolkit/logging/log.hpp"

namespace optml::s3::detail {

namespace {

std::string mebibytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return text;
}

}  // namespace

TransferProgress::TransferProgress(const ClientOptions& options, std::string description,
                                   std::uint64_t total)
    : description_(std::move(description)),
      total_(total),
      enabled_(total >= options.progress_min_bytes),
      interval_(options.progress_interval),
      started_(std::chrono::steady_clock::now()),
      last_line_(started_) {}

void TransferProgress::add(std::uint64_t bytes) {
    done_ += bytes;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_line_ < interval_) return;
    last_line_ = now;
    const int percent = total_ == 0 ? 100 : static_cast<int>(done_ * 100 / total_);
    logging::info(description_ + ": " + mebibytes(done_) + " of " + mebibytes(total_) + " (" +
                  std::to_string(percent) + "%)");
}

void TransferProgress::finished() {
    if (!enabled_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f MiB/s",
                  seconds > 0 ? static_cast<double>(total_) / (1 << 20) / seconds : 0.0);
    logging::info(description_ + ": done, " + mebibytes(total_) + " at " + rate);
}

}  // namespace optml::s3::detail
