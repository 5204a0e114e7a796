#include "toolkit/remote/payload_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"
#include "toolkit/s3/client_options.hpp"
#include "toolkit/s3/credentials.hpp"
#include "toolkit/s3/object_ref.hpp"
#include "toolkit/s3/s3_error.hpp"
#include "toolkit/system/unique_fd.hpp"
#include "toolkit/system/uri_redaction.hpp"

namespace optml::remote {

namespace {

namespace fs = std::filesystem;

// repr(ServiceError(...)) as the SDK's _read_bytes_from_s3 / _upload_bytes_to_s3 raise it.
[[noreturn]] void service_error(std::string_view verb, const std::string& uri,
                                const std::string& why) {
    const std::string message = std::string(verb) + " " + uri + ": " + why;
    throw errors::Error(errors::ErrorKind::RemoteFunction,
                        "ServiceError(" + pyjson::repr(pyjson::Value(message)) + ")");
}

class S3Store : public PayloadStore {
  public:
    S3Store(s3::ObjectRef base, s3::Client client)
        : base_(std::move(base)), client_(std::move(client)) {}

    void fetch(std::string_view relative, const fs::path& destination,
               s3::DownloadObserver& observer) override {
        try {
            client_.download(base_.child(relative), destination, &observer);
        } catch (const s3::S3Error& error) {
            service_error("Failed to read serialized bytes from", uri(relative), error.what());
        }
    }

    void put(const fs::path& source, std::string_view relative) override {
        try {
            client_.upload(source, base_.child(relative));
        } catch (const s3::S3Error& error) {
            service_error("Failed to upload serialized bytes to", uri(relative), error.what());
        }
    }

    std::string uri(std::string_view relative) const override {
        return base_.child(relative).uri();
    }

  private:
    s3::ObjectRef base_;
    s3::Client client_;
};

class FolderStore : public PayloadStore {
  public:
    explicit FolderStore(fs::path base) : base_(std::move(base)) {}

    void fetch(std::string_view relative, const fs::path& destination,
               s3::DownloadObserver& observer) override {
        const fs::path source = base_ / relative;
        system::UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
        if (!in) service_error("Failed to read serialized bytes from", uri(relative), errno_text());
        system::UniqueFd out(
            ::open(destination.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (!out)
            service_error("Failed to read serialized bytes from", uri(relative), errno_text());
        std::vector<char> block(1 << 20);
        for (;;) {
            const ssize_t got = ::read(in.get(), block.data(), block.size());
            if (got < 0 && errno == EINTR) continue;
            if (got < 0)
                service_error("Failed to read serialized bytes from", uri(relative), errno_text());
            if (got == 0) break;
            observer.bytes(block.data(), static_cast<std::size_t>(got));
            write_all(out.get(), block.data(), static_cast<std::size_t>(got), relative);
        }
    }

    void put(const fs::path& source, std::string_view relative) override {
        const fs::path target = base_ / relative;
        std::error_code error;
        fs::create_directories(target.parent_path(), error);
        if (error)
            service_error("Failed to upload serialized bytes to", uri(relative), error.message());
        // Written beside the target and renamed: a reader sees the whole file or none.
        const fs::path partial = target.string() + ".partial";
        fs::copy_file(source, partial, fs::copy_options::overwrite_existing, error);
        if (!error) fs::rename(partial, target, error);
        if (error) {
            std::error_code ignored;
            fs::remove(partial, ignored);
            service_error("Failed to upload serialized bytes to", uri(relative), error.message());
        }
    }

    std::string uri(std::string_view relative) const override {
        return "file://" + (base_ / relative).string();
    }

  private:
    static std::string errno_text() { return std::strerror(errno); }

    void write_all(int fd, const char* data, std::size_t size, std::string_view relative) {
        while (size > 0) {
            const ssize_t written = ::write(fd, data, size);
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0)
                service_error("Failed to read serialized bytes from", uri(relative), errno_text());
            data += written;
            size -= static_cast<std::size_t>(written);
        }
    }

    fs::path base_;
};

}  // namespace

std::unique_ptr<PayloadStore> open_payload_store(std::string_view base_uri, std::string_view region,
                                                 const system::EnvironmentSnapshot& environment) {
    if (base_uri.starts_with("file://")) {
        const fs::path folder(std::string(base_uri.substr(7)));
        if (!folder.is_absolute()) {
            throw errors::Error(errors::ErrorKind::Configuration,
                                "--s3_base_uri file:// must name an absolute folder "
                                "(file:///path/to/root/job).");
        }
        return std::make_unique<FolderStore>(folder.lexically_normal());
    }
    const std::optional<s3::ObjectRef> base = s3::parse_s3_uri(base_uri);
    if (!base) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "--s3_base_uri must be s3://bucket/prefix or file:///folder, not " +
                                system::redact_uri(std::string(base_uri)) + ".");
    }
    s3::ClientOptions options = s3::client_options_from_environment(environment);
    if (!region.empty() && !environment.get("AWS_REGION") && !environment.get("AWS_DEFAULT_REGION"))
        options.region = std::string(region);
    return std::make_unique<S3Store>(
        *base, s3::Client(options, std::make_shared<s3::CredentialsProvider>(environment)));
}

}  // namespace optml::remote
