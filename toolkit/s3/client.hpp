#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "toolkit/s3/client_options.hpp"
#include "toolkit/s3/credentials.hpp"
#include "toolkit/s3/object_ref.hpp"
#include "toolkit/s3/s3_error.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::s3 {

// S3 over libcurl, signed with our SigV4. Objects stream between disk and network: no
// transfer holds an object in memory. Every request is retried with backoff on dropped
// connections, 5xx and throttling; downloads resume with a Range request where they broke
// off. Failures throw S3Error with a sentence naming the bucket and key.
// One Client may be used from several threads (each call has its own connection).
// Sees a download's bytes in order as they are written: restart() when the download starts
// over from the first byte (a retry that got a whole object back), so a digest fed from
// bytes() always covers exactly the file on disk.
class DownloadObserver {
  public:
    virtual ~DownloadObserver() = default;
    virtual void restart() = 0;
    virtual void bytes(const char* data, std::size_t size) = 0;
};

class Client {
  public:
    Client(ClientOptions options, std::shared_ptr<CredentialsProvider> credentials);
    static Client from_environment(const system::EnvironmentSnapshot& environment);

    // Writes the object to destination (created or truncated, mode 0600).
    void download(const ObjectRef& object, const std::filesystem::path& destination,
                  DownloadObserver* observer = nullptr);

    // Uploads a regular file; in parts when it is at least options().multipart_threshold.
    void upload(const std::filesystem::path& source, const ObjectRef& object);

    // The object's size, or nullopt when it does not exist.
    std::optional<std::uint64_t> object_size(const ObjectRef& object);

    const ClientOptions& options() const { return options_; }

  private:
    void upload_single(int fd, std::uint64_t size, const ObjectRef& object);
    void upload_multipart(int fd, std::uint64_t size, const ObjectRef& object);

    ClientOptions options_;
    std::shared_ptr<CredentialsProvider> credentials_;
};

}  // namespace optml::s3
