#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "toolkit/remote/metadata.hpp"
#include "toolkit/s3/client.hpp"
#include "toolkit/s3/digest.hpp"

// Payload integrity for every SDK generation, chosen from what the job is given
// (JOB_INTERFACE.md): REMOTE_FUNCTION_SECRET_KEY as a PEM public key (ECDSA P-256 signature
// plus SHA-256), as 64 hex characters (HMAC-SHA256), or unset (SHA-256 when the metadata has
// a hash, nothing for clients before 2.156).
namespace optml::remote {

enum class KeyKind { None, Hmac, PublicKey };

struct IntegrityKey {
    KeyKind kind = KeyKind::None;
    std::string text;  // the variable's value; never logged
};

// Throws errors::Error(Configuration) naming REMOTE_FUNCTION_SECRET_KEY (never its value)
// when it is set but neither a PEM public key nor 64 hexadecimal characters.
IntegrityKey integrity_key(const std::optional<std::string>& secret_key);

// "2.155.0" < 2.156: a client that writes no hash. nullopt or text that is not a version:
// false (a hash is then required).
bool client_writes_no_hash(const std::optional<std::string>& client_sdk_version);

// The digests of one payload, fed while it streams (a download observer or a file read).
class PayloadDigest : public s3::DownloadObserver {
  public:
    explicit PayloadDigest(const IntegrityKey& key);
    void restart() override;
    void bytes(const char* data, std::size_t size) override;

    // The SDK's DeserializationError message when `metadata` does not vouch for the bytes
    // seen; nullopt when they pass. Ends the digest.
    std::optional<std::string> check(const PayloadMetadata& metadata, bool accept_unhashed);

  private:
    void start();
    const IntegrityKey& key_;
    std::optional<s3::Sha256Stream> sha256_;
    std::optional<s3::HmacSha256Stream> hmac_;
    std::unique_ptr<s3::EcdsaSha256Verifier> signature_;
};

// What results/ and exception/ carry in sha256_hash for this key and the client's metadata:
// HMAC for an HMAC key, nothing for an unhashed client, SHA-256 otherwise.
enum class OutputHash { None, Sha256, Hmac };
OutputHash output_hash(const IntegrityKey& key, bool client_unhashed);
std::optional<std::string> hash_of(std::string_view payload, const IntegrityKey& key,
                                   OutputHash kind);

// Standard base64 (RFC 4648, padding required, as Python's b64decode without validate
// accepts the SDK's output); nullopt when it is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// The SDK's messages.
inline constexpr std::string_view kIntegrityFailed =
    "Integrity check for the serialized function or data failed. Please restrict access to "
    "your S3 bucket";
inline constexpr std::string_view kNoSignature =
    "Integrity check for the serialized function or data failed. The payload metadata does "
    "not contain an asymmetric signature. Please upgrade your SageMaker Python SDK version.";

}  // namespace optml::remote
