#include "toolkit/s3/credentials.hpp"

#include <ctime>
#include <fstream>
#include <sstream>

#include "toolkit/logging/log.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"
#include "toolkit/s3/s3_error.hpp"
#include "toolkit/s3/small_request.hpp"
#include "toolkit/system/uri_redaction.hpp"

namespace optml::s3 {

namespace {

constexpr std::string_view default_container_host = "http://169.254.170.2";
constexpr std::string_view default_metadata_endpoint = "http://169.254.169.254";
// Metadata and container endpoints answer in milliseconds when they exist; a short timeout
// keeps a job outside AWS from hanging on an address that is not there.
constexpr std::chrono::milliseconds endpoint_timeout{2000};

std::string trimmed(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    std::size_t first = 0;
    while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
    return text.substr(first);
}

std::string without_trailing_slash(std::string text) {
    while (!text.empty() && text.back() == '/') text.pop_back();
    return text;
}

std::string read_small_file(const std::string& path, const std::string& purpose) {
    std::ifstream file(path);
    if (!file) throw S3Error("Cannot read " + purpose + " file " + path + ".");
    std::ostringstream text;
    text << file.rdbuf();
    return trimmed(text.str());
}

const std::string& required_field(const pyjson::Dict& document, std::string_view name,
                                  const std::string& source) {
    const pyjson::Value* value = document.find(name);
    if (value == nullptr || !value->is_str() || value->as_str().empty()) {
        throw S3Error("The " + source + " answered without " + std::string(name) + ".");
    }
    return value->as_str();
}

detail::SmallResponse fetch(detail::SmallRequest request, const std::string& source) {
    request.timeout = endpoint_timeout;
    // Endpoints on loopback or link-local addresses occasionally refuse the first
    // connection while they start; SDKs retry them a few times too.
    detail::SmallResponse response;
    for (int attempt = 0; attempt < 3; ++attempt) {
        response = detail::perform_small(request);
        if (response.status != 0 && response.status < 500) return response;
    }
    if (response.status == 0) {
        throw S3Error("The " + source + " at " + system::redact_uri(request.url) +
                      " did not answer: " + response.error + ".");
    }
    return response;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view text) {
    std::tm parts{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    const std::string copy(text);
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                    &second) != 6) {
        return std::nullopt;
    }
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    const std::time_t seconds = timegm(&parts);
    if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(seconds);
}

Credentials parse_credentials_document(std::string_view text, const std::string& source) {
    pyjson::Value document;
    try {
        document = pyjson::loads(text);
    } catch (const std::exception&) {
        throw S3Error("The " + source + " answered with something that is not JSON.");
    }
    if (!document.is_dict())
        throw S3Error("The " + source + " answered with JSON that is not an object.");
    const pyjson::Dict& fields = document.as_dict();
    Credentials credentials;
    credentials.source = source;
    credentials.access_key_id = required_field(fields, "AccessKeyId", source);
    credentials.secret_access_key = required_field(fields, "SecretAccessKey", source);
    if (const pyjson::Value* token = fields.find("Token"); token != nullptr && token->is_str()) {
        credentials.session_token = token->as_str();
    }
    if (const pyjson::Value* expiration = fields.find("Expiration");
        expiration != nullptr && expiration->is_str()) {
        credentials.expiration = parse_iso8601_utc(expiration->as_str());
        if (!credentials.expiration)
            throw S3Error("The " + source + " answered with an unreadable Expiration.");
    }
    return credentials;
}

std::optional<Credentials> credentials_from_environment(
    const system::EnvironmentSnapshot& environment) {
    const auto key = environment.get("AWS_ACCESS_KEY_ID");
    const auto secret = environment.get("AWS_SECRET_ACCESS_KEY");
    if (!key || !secret || key->empty() || secret->empty()) return std::nullopt;
    Credentials credentials;
    credentials.access_key_id = *key;
    credentials.secret_access_key = *secret;
    credentials.session_token = environment.get_or("AWS_SESSION_TOKEN", "");
    credentials.source = "environment";
    return credentials;
}

std::optional<Credentials> credentials_from_container(
    const system::EnvironmentSnapshot& environment) {
    const std::string source = "container credentials endpoint";
    detail::SmallRequest request;
    if (const auto relative = environment.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        relative && !relative->empty()) {
        const std::string host = without_trailing_slash(
            environment.get_or("OPTML_CONTAINER_CREDENTIALS_HOST", default_container_host));
        request.url = host + (relative->starts_with('/') ? "" : "/") + *relative;
    } else if (const auto full = environment.get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
               full && !full->empty()) {
        request.url = *full;
    } else {
        return std::nullopt;
    }
    std::string token = environment.get_or("AWS_CONTAINER_AUTHORIZATION_TOKEN", "");
    if (const auto token_file = environment.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        token_file && !token_file->empty()) {
        token = read_small_file(*token_file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }
    if (!token.empty()) request.headers.push_back({"Authorization", token});
    const detail::SmallResponse response = fetch(request, source);
    if (response.status != 200) {
        throw S3Error("The " + source + " answered HTTP " + std::to_string(response.status) + ".",
                      response.status);
    }
    return parse_credentials_document(response.body, source);
}

std::optional<Credentials> credentials_from_instance_metadata(
    const system::EnvironmentSnapshot& environment) {
    if (environment.get_or("AWS_EC2_METADATA_DISABLED", "") == "true") return std::nullopt;
    const std::string source = "instance metadata service";
    const std::string base = without_trailing_slash(
        environment.get_or("AWS_EC2_METADATA_SERVICE_ENDPOINT", default_metadata_endpoint));

    detail::SmallRequest token_request{"PUT",
                                       base + "/latest/api/token",
                                       {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                                       "",
                                       {}};
    const detail::SmallResponse token = fetch(token_request, source);
    if (token.status != 200 || token.body.empty()) {
        throw S3Error("The " + source + " refused a session token (HTTP " +
                          std::to_string(token.status) + ").",
                      token.status);
    }
    const std::vector<Header> authorized{{"X-aws-ec2-metadata-token", trimmed(token.body)}};
    const std::string roles_url = base + "/latest/meta-data/iam/security-credentials/";

    const detail::SmallResponse roles = fetch({"GET", roles_url, authorized, "", {}}, source);
    if (roles.status == 404) return std::nullopt;  // an instance without a role
    if (roles.status != 200) {
        throw S3Error("The " + source + " answered HTTP " + std::to_string(roles.status) +
                          " for the role name.",
                      roles.status);
    }
    const std::string role = trimmed(roles.body.substr(0, roles.body.find('\n')));
    if (role.empty()) return std::nullopt;

    const detail::SmallResponse document =
        fetch({"GET", roles_url + role, authorized, "", {}}, source);
    if (document.status != 200) {
        throw S3Error("The " + source + " answered HTTP " + std::to_string(document.status) +
                          " for the credentials of role " + role + ".",
                      document.status);
    }
    return parse_credentials_document(document.body, source);
}

CredentialsProvider::CredentialsProvider(system::EnvironmentSnapshot environment)
    : environment_(std::move(environment)) {}

Credentials CredentialsProvider::get() {
    const std::lock_guard lock(mutex_);
    const auto now = std::chrono::system_clock::now();
    if (cached_ && (!cached_->expiration || *cached_->expiration - refresh_margin > now))
        return *cached_;

    try {
        std::optional<Credentials> fresh = credentials_from_environment(environment_);
        if (!fresh) fresh = credentials_from_container(environment_);
        if (!fresh) fresh = credentials_from_instance_metadata(environment_);
        if (!fresh) {
            throw S3Error(
                "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or run where a container credentials endpoint or instance metadata exists.");
        }
        if (!cached_ || cached_->source != fresh->source)
            logging::info("using AWS credentials from the " + fresh->source);
        cached_ = std::move(fresh);
    } catch (const S3Error& error) {
        // A refresh that fails while the old credentials still work must not fail the
        // transfer; the next call tries again.
        if (cached_ && cached_->expiration && *cached_->expiration > now) {
            logging::warn(
                std::string("refreshing AWS credentials failed, using the current ones: ") +
                error.what());
            return *cached_;
        }
        throw;
    }
    return *cached_;
}

}  // namespace optml::s3
