#include "toolkit/s3/retry.hpp"

#include <algorithm>
#include <random>

namespace optml::s3::detail {

bool is_retryable(const S3Response& response) {
    if (response.local_io_failed) return false;
    if (response.curl_code != CURLE_OK) return true;
    const long status = response.status;
    if (status >= 500 || status == 429) return true;
    const std::string code = response.error_code();
    return code == "RequestTimeout" || code == "SlowDown" || code == "Throttling";
}

std::chrono::milliseconds backoff_delay(const ClientOptions& options, int attempt) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    const long long ceiling = std::min<long long>(
        options.max_backoff.count(), options.first_backoff.count() << std::min(attempt, 20));
    std::uniform_int_distribution<long long> pick(ceiling / 2, std::max<long long>(ceiling, 1));
    return std::chrono::milliseconds(pick(random));
}

}  // namespace optml::s3::detail
