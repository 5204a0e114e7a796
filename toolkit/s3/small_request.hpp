#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "toolkit/s3/sigv4.hpp"

namespace optml::s3::detail {

// One request whose body and answer fit in memory: credentials endpoints and S3's XML calls.
struct SmallRequest {
    std::string method = "GET";
    std::string url;
    std::vector<Header> headers;
    std::string body;
    std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

struct SmallResponse {
    long status = 0;  // 0 when no HTTP answer arrived
    std::string body;
    std::string error;  // libcurl's reason when status is 0
};

SmallResponse perform_small(const SmallRequest& request);

}  // namespace optml::s3::detail
