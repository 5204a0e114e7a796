#include "toolkit/s3/small_request.hpp"

#include <algorithm>

#include "toolkit/s3/curl_handle.hpp"
#include "toolkit/s3/shared_library.hpp"

namespace optml::s3::detail {

SmallResponse perform_small(const SmallRequest& request) {
    CurlPtr handle = new_curl_handle();
    CURL* curl = handle.get();
    HeaderList headers(request.headers);
    // Without this, libcurl sends "Expect: 100-continue" for bodies and waits for an answer
    // some S3-compatible servers never send.
    headers.append("Expect:");
    BoundedText answer;
    curl_api().easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_api().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_api().easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_api().easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_api().easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                           static_cast<long>(std::min<long long>(request.timeout.count(), 10000)));
    curl_api().easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_bounded);
    curl_api().easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    if (request.method == "HEAD") curl_api().easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
        curl_api().easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_api().easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                               static_cast<curl_off_t>(request.body.size()));
    }
    SmallResponse response;
    const CURLcode code = curl_api().easy_perform(curl);
    if (code != CURLE_OK) {
        response.error = curl_api().easy_strerror(code);
        return response;
    }
    curl_api().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(answer.text);
    return response;
}

}  // namespace optml::s3::detail
