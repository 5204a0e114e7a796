#include "toolkit/s3/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "toolkit/s3/hashing.hpp"

namespace optml::s3 {

namespace {

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

// SigV4 trims header values and collapses runs of spaces into one.
std::string canonical_value(std::string_view value) {
    std::string result;
    bool pending_space = false;
    for (const char c : value) {
        if (c == ' ' || c == '\t') {
            pending_space = !result.empty();
            continue;
        }
        if (pending_space) result += ' ';
        pending_space = false;
        result += c;
    }
    return result;
}

std::vector<Header> sorted_canonical_headers(const std::vector<Header>& headers) {
    std::vector<Header> canonical;
    for (const Header& header : headers) {
        const std::string name = lower(header.name);
        const std::string value = canonical_value(header.value);
        auto same = std::find_if(canonical.begin(), canonical.end(),
                                 [&](const Header& h) { return h.name == name; });
        // Repeated headers are one header whose values are joined by commas.
        if (same != canonical.end())
            same->value += "," + value;
        else
            canonical.push_back({name, value});
    }
    std::sort(canonical.begin(), canonical.end(),
              [](const Header& a, const Header& b) { return a.name < b.name; });
    return canonical;
}

}  // namespace

std::string uri_encode(std::string_view text, bool encode_slash) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (c == '/' && !encode_slash)) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += digits[byte >> 4];
            encoded += digits[byte & 0x0f];
        }
    }
    return encoded;
}

std::string format_amz_date(std::chrono::system_clock::time_point when) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[17];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query) {
    std::vector<std::pair<std::string, std::string>> encoded;
    encoded.reserve(query.size());
    for (const auto& [name, value] : query)
        encoded.emplace_back(uri_encode(name, true), uri_encode(value, true));
    std::sort(encoded.begin(), encoded.end());
    std::string text;
    for (const auto& [name, value] : encoded) {
        if (!text.empty()) text += '&';
        text += name + "=" + value;
    }
    return text;
}

std::string signed_header_names(const std::vector<Header>& headers) {
    std::string names;
    for (const Header& header : sorted_canonical_headers(headers)) {
        if (!names.empty()) names += ';';
        names += header.name;
    }
    return names;
}

std::string canonical_request(const RequestToSign& request) {
    std::string headers;
    for (const Header& header : sorted_canonical_headers(request.headers)) {
        headers += header.name + ":" + header.value + "\n";
    }
    return request.method + "\n" + request.canonical_uri + "\n" +
           canonical_query_string(request.query) + "\n" + headers + "\n" +
           signed_header_names(request.headers) + "\n" + request.payload_hash;
}

std::string string_to_sign(const std::string& canonical_request, const SigningScope& scope) {
    return "AWS4-HMAC-SHA256\n" + scope.amz_date + "\n" + scope.credential_scope() + "\n" +
           sha256_hex(canonical_request);
}

std::string signing_key(std::string_view secret_access_key, const SigningScope& scope) {
    const std::string date_key = hmac_sha256("AWS4" + std::string(secret_access_key), scope.date());
    const std::string region_key = hmac_sha256(date_key, scope.region);
    const std::string service_key = hmac_sha256(region_key, scope.service);
    return hmac_sha256(service_key, "aws4_request");
}

std::string signature(std::string_view secret_access_key, const SigningScope& scope,
                      const std::string& string_to_sign) {
    return to_hex(hmac_sha256(signing_key(secret_access_key, scope), string_to_sign));
}

std::vector<Header> sign(RequestToSign& request, const Credentials& credentials,
                         const SigningScope& scope) {
    std::vector<Header> added{{"x-amz-date", scope.amz_date},
                              {"x-amz-content-sha256", request.payload_hash}};
    if (!credentials.session_token.empty()) {
        added.push_back({"x-amz-security-token", credentials.session_token});
    }
    request.headers.insert(request.headers.end(), added.begin(), added.end());
    const std::string to_sign = string_to_sign(canonical_request(request), scope);
    added.push_back(
        {"Authorization",
         "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
             scope.credential_scope() + ", SignedHeaders=" + signed_header_names(request.headers) +
             ", Signature=" + signature(credentials.secret_access_key, scope, to_sign)});
    return added;
}

}  // namespace optml::s3
