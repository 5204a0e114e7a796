#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "toolkit/s3/client_options.hpp"
#include "toolkit/s3/credentials.hpp"
#include "toolkit/s3/object_ref.hpp"
#include "toolkit/s3/sigv4.hpp"

namespace optml::s3::detail {

// A request body read piece by piece, so objects never sit in memory. rewind() lets libcurl
// resend it (a reused connection that closed under us).
class BodySource {
  public:
    virtual ~BodySource() = default;
    virtual std::size_t read(char* buffer,
                             std::size_t size) = 0;  // 0 at the end; throws on I/O errors
    virtual void rewind() = 0;
    virtual std::uint64_t size() const = 0;
    virtual std::string payload_hash() const { return std::string(unsigned_payload); }
};

// Bytes [offset, offset + length) of an open file, read with pread so many sources may
// share one descriptor.
class FileRangeSource : public BodySource {
  public:
    FileRangeSource(int fd, std::uint64_t offset, std::uint64_t length)
        : fd_(fd), offset_(offset), length_(length) {}
    std::size_t read(char* buffer, std::size_t size) override;
    void rewind() override { position_ = 0; }
    std::uint64_t size() const override { return length_; }

  private:
    int fd_;
    std::uint64_t offset_;
    std::uint64_t length_;
    std::uint64_t position_ = 0;
};

class TextSource : public BodySource {
  public:
    explicit TextSource(std::string text) : text_(std::move(text)) {}
    std::size_t read(char* buffer, std::size_t size) override;
    void rewind() override { position_ = 0; }
    std::uint64_t size() const override { return text_.size(); }
    std::string payload_hash() const override;

  private:
    std::string text_;
    std::size_t position_ = 0;
};

// Where a successful (2xx) response body goes. Error bodies are always kept as text.
struct S3Response;

class Sink {
  public:
    virtual ~Sink() = default;
    // Called once per response before its first body byte, with the status and headers.
    virtual bool start(const S3Response& response) = 0;          // false: local I/O failed
    virtual bool write(const char* data, std::size_t size) = 0;  // false: local I/O failed
};

struct S3Request {
    std::string method = "GET";
    ObjectRef object;
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<Header> headers;  // signed too
    BodySource* body = nullptr;
    Sink* sink = nullptr;
    std::function<void(std::uint64_t)> on_bytes;  // body bytes moved, for progress lines
};

struct S3Response {
    long status = 0;   // 0: no HTTP answer (see curl_error)
    std::string body;  // error bodies, or 2xx bodies when there is no sink
    std::string etag;
    std::optional<std::uint64_t> content_length;
    std::optional<std::uint64_t> total_length;  // from Content-Range ".../total"
    CURLcode curl_code = CURLE_OK;
    std::string curl_error;
    bool local_io_failed = false;  // the sink or source failed, not the network
    std::string local_error;

    bool ok() const { return curl_code == CURLE_OK && status >= 200 && status < 300; }
    std::string error_code() const;     // <Code> of an S3 error body, or ""
    std::string error_message() const;  // <Message> of an S3 error body, or ""
};

// Signs and sends one request (no retries).
S3Response execute(const ClientOptions& options, CredentialsProvider& credentials,
                   const S3Request& request);

// Text of the first <tag>...</tag> in an XML document, or "".
std::string xml_text(const std::string& document, const std::string& tag);

}  // namespace optml::s3::detail
