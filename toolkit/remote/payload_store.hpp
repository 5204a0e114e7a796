#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "toolkit/s3/client.hpp"
#include "toolkit/system/environment.hpp"

// Where a job's payloads live: under --s3_base_uri, an S3 prefix (optml's S3 client) or a
// local folder given as file:///absolute/path (the client's local backend), with the same
// layout and the same checks.
namespace optml::remote {

class PayloadStore {
  public:
    virtual ~PayloadStore() = default;
    // Copies <base>/<relative> to `destination`, every byte shown to `observer` in order.
    // Throws errors::Error(RemoteFunction) with the SDK's ServiceError text when it fails.
    virtual void fetch(std::string_view relative, const std::filesystem::path& destination,
                       s3::DownloadObserver& observer) = 0;
    // Writes `source` as <base>/<relative> (complete or not at all for a folder).
    // Throws errors::Error(RemoteFunction) with the SDK's ServiceError text when it fails.
    virtual void put(const std::filesystem::path& source, std::string_view relative) = 0;
    // <base>/<relative> for messages, credentials and query redacted.
    virtual std::string uri(std::string_view relative) const = 0;
};

// Throws errors::Error(Configuration) naming --s3_base_uri for a URI of another kind or a
// relative file:// path. `region` is the SDK's --region (AWS_REGION still wins).
std::unique_ptr<PayloadStore> open_payload_store(std::string_view base_uri, std::string_view region,
                                                 const system::EnvironmentSnapshot& environment);

}  // namespace optml::remote
