#include "toolkit/s3/client.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "toolkit/logging/log.hpp"
#include "toolkit/s3/progress.hpp"
#include "toolkit/s3/request.hpp"
#include "toolkit/s3/retry.hpp"
#include "toolkit/system/unique_fd.hpp"

namespace optml::s3 {

using detail::S3Request;
using detail::S3Response;
using system::UniqueFd;

namespace {

// Writes a download at the offset its response covers: from 0 for a 200, from where the
// previous attempt stopped for a 206 answering our Range.
class FileSink : public detail::Sink {
  public:
    FileSink(int fd, DownloadObserver* observer) : fd_(fd), observer_(observer) {}
    bool start(const S3Response& response) override {
        if (response.status == 200 && position_ != 0) {
            position_ = 0;
            if (observer_ != nullptr) observer_->restart();
            if (::ftruncate(fd_, 0) != 0) return false;
        }
        return true;
    }
    bool write(const char* data, std::size_t size) override {
        if (observer_ != nullptr) observer_->bytes(data, size);
        while (size > 0) {
            const ssize_t written = ::pwrite(fd_, data, size, static_cast<off_t>(position_));
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0) return false;
            data += written;
            size -= static_cast<std::size_t>(written);
            position_ += static_cast<std::uint64_t>(written);
        }
        return true;
    }
    std::uint64_t position() const { return position_; }
    bool restart() {
        position_ = 0;
        if (observer_ != nullptr) observer_->restart();
        return ::ftruncate(fd_, 0) == 0;
    }

  private:
    int fd_;
    DownloadObserver* observer_;
    std::uint64_t position_ = 0;
};

std::string describe_failure(const S3Response& response) {
    if (response.local_io_failed) return response.local_error;
    if (response.curl_code == CURLE_ABORTED_BY_CALLBACK) return "cancelled";
    if (response.status == 0 || response.curl_code != CURLE_OK) {
        return response.curl_error.empty() ? "no answer" : response.curl_error;
    }
    std::string text = "HTTP " + std::to_string(response.status);
    if (const std::string code = response.error_code(); !code.empty()) text += " " + code;
    if (const std::string message = response.error_message(); !message.empty())
        text += ": " + message;
    return text;
}

[[noreturn]] void fail(const S3Response& response, const std::string& action,
                       const ObjectRef& object, int attempts) {
    const std::string code = response.error_code();
    if (response.status == 404 && code == "NoSuchBucket") {
        throw S3Error("The S3 bucket '" + object.bucket + "' does not exist (" + action + " " +
                          object.uri() + ").",
                      404);
    }
    if (response.status == 404) {
        throw S3Error("The S3 object " + object.uri() + " does not exist (bucket '" +
                          object.bucket + "', key '" + object.key + "').",
                      404);
    }
    if (response.status == 403) {
        throw S3Error("Access to " + object.uri() + " was denied (" + describe_failure(response) +
                          "): check the credentials and the bucket policy for bucket '" +
                          object.bucket + "', key '" + object.key + "'.",
                      403);
    }
    std::string message = action + " " + object.uri() + " failed: " + describe_failure(response);
    if (attempts > 1) message += " (after " + std::to_string(attempts) + " attempts)";
    throw S3Error(message + ".", response.status);
}

// Runs attempt() until it succeeds, fails for good, or the attempts run out; returns the
// last response and how many attempts it took.
std::pair<S3Response, int> with_retries(
    const ClientOptions& options, const std::string& what,
    const std::function<S3Response()>& attempt,
    const std::function<bool(const S3Response&)>& complete = {}) {
    S3Response response;
    for (int number = 1;; ++number) {
        response = attempt();
        const bool done = response.ok() && (!complete || complete(response));
        if (done) return {std::move(response), number};
        const bool retryable = response.ok() || detail::is_retryable(response);
        if (!retryable || number >= options.max_attempts || options.cancelled()) {
            return {std::move(response), number};
        }
        const auto delay = detail::backoff_delay(options, number - 1);
        logging::warn(
            what + ": " + (response.ok() ? "incomplete answer" : describe_failure(response)) +
            "; attempt " + std::to_string(number + 1) + " of " +
            std::to_string(options.max_attempts) + " in " + std::to_string(delay.count()) + " ms");
        // In slices, so a cancel does not wait out a long backoff.
        const auto until = std::chrono::steady_clock::now() + delay;
        while (std::chrono::steady_clock::now() < until && !options.cancelled()) {
            std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
                until - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
        }
    }
}

}  // namespace

Client::Client(ClientOptions options, std::shared_ptr<CredentialsProvider> credentials)
    : options_(std::move(options)), credentials_(std::move(credentials)) {}

Client Client::from_environment(const system::EnvironmentSnapshot& environment) {
    return Client(client_options_from_environment(environment),
                  std::make_shared<CredentialsProvider>(environment));
}

void Client::download(const ObjectRef& object, const std::filesystem::path& destination,
                      DownloadObserver* observer) {
    UniqueFd fd(::open(destination.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        throw S3Error("Cannot create " + destination.string() + " to download " + object.uri() +
                      " into: " + std::strerror(errno) + ".");
    }
    FileSink sink(fd.get(), observer);
    std::optional<detail::TransferProgress> progress;
    std::optional<std::uint64_t> total;
    std::string etag;

    auto attempt = [&]() {
        S3Request request;
        request.object = object;
        request.sink = &sink;
        const std::uint64_t resume_at = sink.position();
        if (resume_at > 0) {
            request.headers.push_back({"Range", "bytes=" + std::to_string(resume_at) + "-"});
            // Resuming must not stitch two versions of the object together.
            if (!etag.empty()) request.headers.push_back({"If-Match", etag});
        }
        if (progress) progress->restart_at(resume_at);
        request.on_bytes = [&](std::uint64_t bytes) {
            if (progress) progress->add(bytes);
        };
        S3Response response = execute(options_, *credentials_, request);
        if (response.status == 200 && response.content_length) total = response.content_length;
        if (response.status == 206 && response.total_length) total = response.total_length;
        if ((response.status == 200 || response.status == 206) && !response.etag.empty())
            etag = response.etag;
        if (response.status == 412 && sink.restart()) {
            // If-Match failed: the object was replaced mid-download. Start over, as a retry.
            etag.clear();
            total.reset();
            response.curl_code = CURLE_RECV_ERROR;
            response.curl_error = "the object changed during the download, starting over";
        }
        if (!progress && total) {
            progress.emplace(options_, "downloading " + object.uri(), *total);
            progress->restart_at(sink.position());
        }
        return response;
    };
    auto complete = [&](const S3Response&) { return !total || sink.position() == *total; };
    const auto [response, attempts] =
        with_retries(options_, "downloading " + object.uri(), attempt, complete);
    if (!response.ok()) fail(response, "downloading", object, attempts);
    if (!complete(response)) {
        throw S3Error("Downloading " + object.uri() + " stopped at " +
                      std::to_string(sink.position()) + " of " + std::to_string(*total) +
                      " bytes (after " + std::to_string(attempts) + " attempts).");
    }
    if (!fd.close()) {
        throw S3Error("Cannot write " + destination.string() + " while downloading " +
                      object.uri() + ": " + std::strerror(errno) + ".");
    }
    if (progress) progress->finished();
}

void Client::upload(const std::filesystem::path& source, const ObjectRef& object) {
    UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat status {};
    if (fd.get() < 0 || ::fstat(fd.get(), &status) != 0) {
        throw S3Error("Cannot read " + source.string() + " to upload it to " + object.uri() + ": " +
                      std::strerror(errno) + ".");
    }
    if (!S_ISREG(status.st_mode)) {
        throw S3Error("Cannot upload " + source.string() + " to " + object.uri() +
                      ": not a regular file.");
    }
    const auto size = static_cast<std::uint64_t>(status.st_size);
    if (size >= options_.multipart_threshold)
        upload_multipart(fd.get(), size, object);
    else
        upload_single(fd.get(), size, object);
}

void Client::upload_single(int fd, std::uint64_t size, const ObjectRef& object) {
    detail::FileRangeSource body(fd, 0, size);
    detail::TransferProgress progress(options_, "uploading " + object.uri(), size);
    auto attempt = [&]() {
        S3Request request;
        request.method = "PUT";
        request.object = object;
        request.body = &body;
        request.headers.push_back({"Content-Type", "application/octet-stream"});
        progress.restart_at(0);
        request.on_bytes = [&](std::uint64_t bytes) { progress.add(bytes); };
        return execute(options_, *credentials_, request);
    };
    const auto [response, attempts] = with_retries(options_, "uploading " + object.uri(), attempt);
    if (!response.ok()) fail(response, "uploading", object, attempts);
    progress.finished();
}

void Client::upload_multipart(int fd, std::uint64_t size, const ObjectRef& object) {
    const std::string what = "uploading " + object.uri();
    auto post = [&](std::vector<std::pair<std::string, std::string>> query, std::string body) {
        detail::TextSource source(std::move(body));
        return with_retries(options_, what, [&]() {
            S3Request request;
            request.method = "POST";
            request.object = object;
            request.query = query;
            request.body = &source;
            S3Response response = execute(options_, *credentials_, request);
            // CompleteMultipartUpload can answer 200 and still carry an <Error> document.
            if (response.ok() && !response.error_code().empty()) {
                response.status = response.error_code() == "InternalError" ? 500 : 400;
            }
            return response;
        });
    };

    const auto [initiated, initiate_attempts] = post({{"uploads", ""}}, "");
    if (!initiated.ok())
        fail(initiated, "starting a multipart upload of", object, initiate_attempts);
    const std::string upload_id = detail::xml_text(initiated.body, "UploadId");
    if (upload_id.empty())
        throw S3Error("Starting a multipart upload of " + object.uri() + " returned no UploadId.");

    try {
        // Parts of at least part_size, and few enough for S3's limit of 10,000 parts.
        const std::uint64_t part_size = std::max(options_.part_size, (size + 9999) / 10000);
        detail::TransferProgress progress(options_, what, size);
        std::string manifest = "<CompleteMultipartUpload>";
        for (std::uint64_t offset = 0, number = 1; offset < size; offset += part_size, ++number) {
            const std::uint64_t length = std::min(part_size, size - offset);
            detail::FileRangeSource body(fd, offset, length);
            const std::vector<std::pair<std::string, std::string>> query{
                {"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
            const auto [response, attempts] = with_retries(options_, what, [&]() {
                S3Request request;
                request.method = "PUT";
                request.object = object;
                request.query = query;
                request.body = &body;
                progress.restart_at(offset);
                request.on_bytes = [&](std::uint64_t bytes) { progress.add(bytes); };
                return execute(options_, *credentials_, request);
            });
            if (!response.ok())
                fail(response, "uploading part " + std::to_string(number) + " of", object,
                     attempts);
            if (response.etag.empty())
                throw S3Error("Part " + std::to_string(number) + " of " + object.uri() +
                              " came back without an ETag.");
            manifest += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" +
                        response.etag + "</ETag></Part>";
        }
        manifest += "</CompleteMultipartUpload>";
        const auto [completed, complete_attempts] = post({{"uploadId", upload_id}}, manifest);
        if (!completed.ok())
            fail(completed, "completing the multipart upload of", object, complete_attempts);
        progress.finished();
    } catch (...) {
        // Best effort: an abandoned upload only costs storage until a lifecycle rule ends it.
        S3Request abort;
        abort.method = "DELETE";
        abort.object = object;
        abort.query = {{"uploadId", upload_id}};
        execute(options_, *credentials_, abort);
        throw;
    }
}

std::optional<std::uint64_t> Client::object_size(const ObjectRef& object) {
    const auto [response, attempts] = with_retries(options_, "looking up " + object.uri(), [&]() {
        S3Request request;
        request.method = "HEAD";
        request.object = object;
        return execute(options_, *credentials_, request);
    });
    if (response.status == 404) return std::nullopt;
    if (!response.ok()) fail(response, "looking up", object, attempts);
    return response.content_length.value_or(0);
}

}  // namespace optml::s3
