#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "toolkit/s3/credentials.hpp"

namespace optml::s3 {

struct Header {
    std::string name;
    std::string value;
};

// What SigV4 covers of one request. Header names may have any case; host must be present.
struct RequestToSign {
    std::string method;
    std::string canonical_uri;  // the path exactly as sent (already URI-encoded), "/" at least
    std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
    std::vector<Header> headers;
    std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct SigningScope {
    std::string amz_date;  // YYYYMMDDTHHMMSSZ
    std::string region;
    std::string service = "s3";
    std::string date() const { return amz_date.substr(0, 8); }
    std::string credential_scope() const {
        return date() + "/" + region + "/" + service + "/aws4_request";
    }
};

inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, everything else
// %XX in upper case; '/' kept only when encode_slash is false (S3 object key paths).
std::string uri_encode(std::string_view text, bool encode_slash);

std::string format_amz_date(std::chrono::system_clock::time_point when);

// The pieces, exposed so tests can compare each against AWS's published examples.
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query);
std::string signed_header_names(const std::vector<Header>& headers);
std::string canonical_request(const RequestToSign& request);
std::string string_to_sign(const std::string& canonical_request, const SigningScope& scope);
std::string signing_key(std::string_view secret_access_key, const SigningScope& scope);
std::string signature(std::string_view secret_access_key, const SigningScope& scope,
                      const std::string& string_to_sign);

// Adds x-amz-date, x-amz-content-sha256 and (with a session token) x-amz-security-token to
// request.headers, signs them all, and returns the headers to send besides the request's
// own: those three plus Authorization.
std::vector<Header> sign(RequestToSign& request, const Credentials& credentials,
                         const SigningScope& scope);

}  // namespace optml::s3
