#include "toolkit/s3/request.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "toolkit/s3/curl_handle.hpp"
#include "toolkit/s3/endpoint.hpp"
#include "toolkit/s3/hashing.hpp"
#include "toolkit/s3/shared_library.hpp"

namespace optml::s3::detail {

std::size_t FileRangeSource::read(char* buffer, std::size_t size) {
    const std::uint64_t left = length_ - position_;
    const std::size_t wanted = static_cast<std::size_t>(std::min<std::uint64_t>(left, size));
    if (wanted == 0) return 0;
    ssize_t got;
    do {
        got = ::pread(fd_, buffer, wanted, static_cast<off_t>(offset_ + position_));
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        throw std::runtime_error(std::string("reading the file failed: ") + std::strerror(errno));
    // A file that shrank under us must not be sent short: the length is already promised.
    if (got == 0) throw std::runtime_error("the file became shorter while it was being uploaded");
    position_ += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
}

std::size_t TextSource::read(char* buffer, std::size_t size) {
    const std::size_t count = std::min(size, text_.size() - position_);
    std::memcpy(buffer, text_.data() + position_, count);
    position_ += count;
    return count;
}

std::string TextSource::payload_hash() const {
    return sha256_hex(text_);
}

std::string xml_text(const std::string& document, const std::string& tag) {
    const std::string open = "<" + tag + ">";
    const std::size_t start = document.find(open);
    if (start == std::string::npos) return "";
    const std::size_t end = document.find("</" + tag + ">", start);
    if (end == std::string::npos) return "";
    return document.substr(start + open.size(), end - start - open.size());
}

std::string S3Response::error_code() const {
    return xml_text(body, "Code");
}
std::string S3Response::error_message() const {
    return xml_text(body, "Message");
}

namespace {

struct TransferState {
    CURL* curl = nullptr;
    const S3Request* request = nullptr;
    S3Response* response = nullptr;
    BoundedText error_body;
    bool sink_started = false;
};

bool successful_status(CURL* curl) {
    long status = 0;
    curl_api().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status >= 200 && status < 300;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<TransferState*>(user);
    const size_t bytes = size * count;
    if (state->request->sink != nullptr && successful_status(state->curl)) {
        if (!state->sink_started) {
            curl_api().easy_getinfo(state->curl, CURLINFO_RESPONSE_CODE, &state->response->status);
            state->sink_started = true;
            if (!state->request->sink->start(*state->response)) {
                state->response->local_io_failed = true;
                state->response->local_error = std::strerror(errno);
                return 0;
            }
        }
        if (!state->request->sink->write(data, bytes)) {
            state->response->local_io_failed = true;
            state->response->local_error =
                std::string("cannot write the data to disk (") + std::strerror(errno) + ")";
            return 0;
        }
        if (state->request->on_bytes) state->request->on_bytes(bytes);
        return bytes;
    }
    return append_bounded(data, size, count, &state->error_body);
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
    auto* state = static_cast<TransferState*>(user);
    try {
        const size_t got = state->request->body->read(buffer, size * count);
        if (state->request->on_bytes && got > 0) state->request->on_bytes(got);
        return got;
    } catch (const std::exception& error) {
        state->response->local_io_failed = true;
        state->response->local_error = error.what();
        return CURL_READFUNC_ABORT;
    }
}

int on_transfer_info(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const ClientOptions*>(user)->cancelled() ? 1 : 0;
}

int on_seek(void* user, curl_off_t offset, int origin) {
    auto* state = static_cast<TransferState*>(user);
    if (offset != 0 || origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
    state->request->body->rewind();
    return CURL_SEEKFUNC_OK;
}

std::string header_value(std::string_view line, std::string_view name) {
    if (line.size() <= name.size() || line[name.size()] != ':') return {};
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return {};
    }
    std::string_view value = line.substr(name.size() + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
    return std::string(value);
}

std::optional<std::uint64_t> parse_size(const std::string& text) {
    std::uint64_t value = 0;
    if (text.empty()) return std::nullopt;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<S3Response*>(user);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue or a redirect)
        response->etag.clear();
        response->content_length.reset();
        response->total_length.reset();
    } else if (std::string etag = header_value(line, "etag"); !etag.empty()) {
        response->etag = etag;
    } else if (std::string length = header_value(line, "content-length"); !length.empty()) {
        response->content_length = parse_size(length);
    } else if (std::string range = header_value(line, "content-range"); !range.empty()) {
        const std::size_t slash = range.rfind('/');
        if (slash != std::string::npos) {
            response->total_length = parse_size(range.substr(slash + 1));
        }
    }
    return size * count;
}

}  // namespace

S3Response execute(const ClientOptions& options, CredentialsProvider& credentials,
                   const S3Request& request) {
    S3Response response;
    const Credentials signer = credentials.get();
    const ObjectAddress address = address_of(options, request.object);

    RequestToSign to_sign;
    to_sign.method = request.method;
    to_sign.canonical_uri = address.canonical_uri;
    to_sign.query = request.query;
    to_sign.headers = request.headers;
    to_sign.headers.push_back({"host", address.host});
    to_sign.payload_hash = request.body != nullptr ? request.body->payload_hash() : sha256_hex("");
    const SigningScope scope{format_amz_date(std::chrono::system_clock::now()), options.region,
                             "s3"};
    std::vector<Header> sent = request.headers;
    sent.push_back({"Host", address.host});
    for (Header& header : sign(to_sign, signer, scope)) sent.push_back(std::move(header));

    HeaderList headers(sent);
    headers.append("Expect:");  // no 100-continue round trip; S3 answers errors early anyway

    CurlPtr handle = new_curl_handle();
    CURL* curl = handle.get();
    TransferState state{curl, &request, &response, {}};
    const std::string query = canonical_query_string(request.query);
    const std::string url = address.url + (query.empty() ? "" : "?" + query);
    curl_api().easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_api().easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_api().easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
    curl_api().easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    curl_api().easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_api().easy_setopt(curl, CURLOPT_HEADERDATA, &response);
    if (options.cancel) {
        curl_api().easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_api().easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_transfer_info);
        curl_api().easy_setopt(curl, CURLOPT_XFERINFODATA, &options);
    }
    if (request.method == "HEAD") {
        curl_api().easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.body != nullptr) {
        request.body->rewind();
        curl_api().easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_api().easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                               static_cast<curl_off_t>(request.body->size()));
        curl_api().easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
        curl_api().easy_setopt(curl, CURLOPT_READDATA, &state);
        curl_api().easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
        curl_api().easy_setopt(curl, CURLOPT_SEEKDATA, &state);
        if (request.method != "PUT")
            curl_api().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
        curl_api().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    response.curl_code = curl_api().easy_perform(curl);
    curl_api().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    if (response.curl_code != CURLE_OK)
        response.curl_error = curl_api().easy_strerror(response.curl_code);
    response.body = std::move(state.error_body.text);
    return response;
}

}  // namespace optml::s3::detail
