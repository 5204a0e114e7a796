#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "toolkit/system/environment.hpp"

namespace optml::s3 {

struct ClientOptions {
    std::string region = "us-east-1";
    // scheme://host[:port] of an S3-compatible server; empty means AWS's regional endpoint.
    std::string endpoint;
    // Path-style (http://host/bucket/key) or virtual-hosted (http://bucket.host/key).
    // nullopt: virtual-hosted on AWS when the bucket name allows it, path-style on a custom
    // endpoint (local servers rarely resolve bucket host names).
    std::optional<bool> path_style;

    std::uint64_t multipart_threshold = 16ull << 20;  // files this big or bigger go in parts
    std::uint64_t part_size = 8ull << 20;             // grown when 10,000 parts would not do

    int max_attempts = 6;  // per request (and per part)
    std::chrono::milliseconds first_backoff{200};
    std::chrono::milliseconds max_backoff{std::chrono::seconds(10)};

    std::uint64_t progress_min_bytes = 32ull << 20;  // smaller transfers log no progress
    std::chrono::milliseconds progress_interval{std::chrono::seconds(10)};

    // When set and answering true, transfers stop within a second (libcurl asks at least
    // once a second, also while a server stalls) and are not retried: lets the owner of a
    // background uploader keep its deadline, and train honour a stop request mid-download.
    // Called often, from the transferring thread: it must be cheap and thread-safe.
    std::function<bool()> cancel;
    bool cancelled() const { return cancel && cancel(); }
};

// Region from SAGEMAKER_REGION, AWS_REGION, AWS_DEFAULT_REGION (first set wins, else
// us-east-1); endpoint from S3_ENDPOINT_URL; OPTML_S3_ADDRESSING_STYLE=path|virtual forces
// an addressing style.
ClientOptions client_options_from_environment(const system::EnvironmentSnapshot& environment);

}  // namespace optml::s3
