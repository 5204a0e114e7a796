#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "toolkit/system/environment.hpp"

namespace optml::s3 {

// One set of AWS credentials. Secrets never leave this struct except into a signature:
// nothing here is logged, and describe() names only the source.
struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;                                        // empty for long-term keys
    std::optional<std::chrono::system_clock::time_point> expiration;  // none: never expires
    std::string source;  // "environment", "container endpoint", "instance metadata"
};

// Where the chain looks, as SDKs do inside SageMaker containers: environment variables,
// then the container credentials endpoint, then IMDSv2. Endpoints are overridable so tests
// stay on loopback:
//   OPTML_CONTAINER_CREDENTIALS_HOST  replaces http://169.254.170.2 for the _RELATIVE_URI form
//   AWS_EC2_METADATA_SERVICE_ENDPOINT replaces http://169.254.169.254 (as SDKs honour it)
//   AWS_EC2_METADATA_DISABLED=true    skips instance metadata altogether
class CredentialsProvider {
  public:
    explicit CredentialsProvider(system::EnvironmentSnapshot environment);

    // Current credentials, fetched on first use and again when less than refresh_margin is
    // left before they expire. Thread-safe. Throws S3Error when no source yields any.
    Credentials get();

    // How long before expiry credentials are replaced (SDKs use minutes, not seconds, so a
    // long transfer never signs with credentials that expire mid-request).
    std::chrono::seconds refresh_margin{std::chrono::minutes(5)};

  private:
    system::EnvironmentSnapshot environment_;
    std::mutex mutex_;
    std::optional<Credentials> cached_;
};

// The sources one by one, for tests: nullopt when the source is not configured; throws
// S3Error when it is configured but fails.
std::optional<Credentials> credentials_from_environment(
    const system::EnvironmentSnapshot& environment);
std::optional<Credentials> credentials_from_container(
    const system::EnvironmentSnapshot& environment);
std::optional<Credentials> credentials_from_instance_metadata(
    const system::EnvironmentSnapshot& environment);

// Parses the JSON both endpoints answer with (AccessKeyId, SecretAccessKey, Token,
// Expiration). Throws S3Error naming the source when a field is missing.
Credentials parse_credentials_document(std::string_view text, const std::string& source);

// "2026-11-22T02:00:00Z" (ISO 8601, UTC, optional fraction) → time point.
std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view text);

}  // namespace optml::s3
