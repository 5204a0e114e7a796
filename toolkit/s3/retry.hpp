#pragma once

#include <chrono>

#include "toolkit/s3/client_options.hpp"
#include "toolkit/s3/request.hpp"

namespace optml::s3::detail {

// Worth another attempt: no answer at all (refused, reset, timed out, cut short), a server
// error, or throttling. Local disk failures and 4xx answers are final.
bool is_retryable(const S3Response& response);

// Exponential backoff with jitter: a random wait between half and all of
// first_backoff * 2^attempt (capped), so many clients do not retry in lockstep.
std::chrono::milliseconds backoff_delay(const ClientOptions& options, int attempt);

}  // namespace optml::s3::detail
