#include "toolkit/remote/integrity.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "toolkit/errors/error.hpp"

namespace optml::remote {

namespace {

bool is_hex_key(std::string_view text) {
    if (text.size() != 64) return false;
    for (const char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// Constant time, as hmac.compare_digest.
bool same_text(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

}  // namespace

IntegrityKey integrity_key(const std::optional<std::string>& secret_key) {
    if (!secret_key || secret_key->empty()) return {};
    if (secret_key->find("-----BEGIN PUBLIC KEY-----") != std::string::npos) {
        try {
            s3::EcdsaSha256Verifier probe(*secret_key);
        } catch (const std::invalid_argument& problem) {
            throw errors::Error(errors::ErrorKind::Configuration,
                                std::string("The environment variable REMOTE_FUNCTION_SECRET_KEY "
                                            "holds a PEM block, but ") +
                                    problem.what() + ".");
        }
        return {KeyKind::PublicKey, *secret_key};
    }
    if (is_hex_key(*secret_key)) return {KeyKind::Hmac, *secret_key};
    throw errors::Error(errors::ErrorKind::Configuration,
                        "The environment variable REMOTE_FUNCTION_SECRET_KEY must be a PEM EC "
                        "public key or 64 hexadecimal characters.");
}

bool client_writes_no_hash(const std::optional<std::string>& client_sdk_version) {
    if (!client_sdk_version) return false;
    std::array<int, 2> parts{};
    const char* position = client_sdk_version->data();
    const char* end = position + client_sdk_version->size();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto [next, error] = std::from_chars(position, end, parts[i]);
        if (error != std::errc() || next == position) return false;
        position = next;
        if (i + 1 < parts.size()) {
            if (position == end || *position != '.') return false;
            ++position;
        }
    }
    return parts[0] < 2 || (parts[0] == 2 && parts[1] < 156);
}

PayloadDigest::PayloadDigest(const IntegrityKey& key) : key_(key) {
    start();
}

void PayloadDigest::start() {
    sha256_.emplace();
    hmac_.reset();
    signature_.reset();
    if (key_.kind == KeyKind::Hmac) hmac_.emplace(key_.text);
    if (key_.kind == KeyKind::PublicKey)
        signature_ = std::make_unique<s3::EcdsaSha256Verifier>(key_.text);
}

void PayloadDigest::restart() {
    start();
}

void PayloadDigest::bytes(const char* data, std::size_t size) {
    const std::string_view block(data, size);
    sha256_->update(block);
    if (hmac_) hmac_->update(block);
    if (signature_) signature_->update(block);
}

std::optional<std::string> PayloadDigest::check(const PayloadMetadata& metadata,
                                                bool accept_unhashed) {
    switch (key_.kind) {
        case KeyKind::PublicKey: {
            if (!metadata.asymmetric_signature) return std::string(kNoSignature);
            const std::optional<std::string> signature =
                base64_decode(*metadata.asymmetric_signature);
            if (!signature || !signature_->verify(*signature)) return std::string(kIntegrityFailed);
            // The signature covers the bytes; the hash beside it must agree too.
            if (!metadata.sha256_hash || !same_text(*metadata.sha256_hash, sha256_->hex()))
                return std::string(kIntegrityFailed);
            return std::nullopt;
        }
        case KeyKind::Hmac:
            if (!metadata.sha256_hash || !same_text(*metadata.sha256_hash, hmac_->hex()))
                return std::string(kIntegrityFailed);
            return std::nullopt;
        case KeyKind::None:
            if (!metadata.sha256_hash) {
                if (accept_unhashed) return std::nullopt;
                return std::string(
                    "Corrupt metadata file. SHA256 hash for the serialized data does not exist. "
                    "Please make sure to install SageMaker SDK version >= 2.156.0 on the client "
                    "side and try again.");
            }
            if (!same_text(*metadata.sha256_hash, sha256_->hex()))
                return std::string(kIntegrityFailed);
            return std::nullopt;
    }
    return std::string(kIntegrityFailed);
}

OutputHash output_hash(const IntegrityKey& key, bool client_unhashed) {
    if (key.kind == KeyKind::Hmac) return OutputHash::Hmac;
    if (key.kind == KeyKind::None && client_unhashed) return OutputHash::None;
    return OutputHash::Sha256;
}

std::optional<std::string> hash_of(std::string_view payload, const IntegrityKey& key,
                                   OutputHash kind) {
    switch (kind) {
        case OutputHash::None:
            return std::nullopt;
        case OutputHash::Hmac: {
            s3::HmacSha256Stream hmac(key.text);
            hmac.update(payload);
            return hmac.hex();
        }
        case OutputHash::Sha256: {
            s3::Sha256Stream sha256;
            sha256.update(payload);
            return sha256.hex();
        }
    }
    return std::nullopt;
}

std::optional<std::string> base64_decode(std::string_view text) {
    auto value_of = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        int values[4];
        int padding = 0;
        for (int j = 0; j < 4; ++j) {
            const char c = text[i + static_cast<std::size_t>(j)];
            if (c == '=' && i + 4 == text.size() && j >= 2) {
                values[j] = 0;
                ++padding;
            } else if (padding > 0 || (values[j] = value_of(c)) < 0) {
                return std::nullopt;
            }
        }
        const unsigned triple =
            (static_cast<unsigned>(values[0]) << 18) | (static_cast<unsigned>(values[1]) << 12) |
            (static_cast<unsigned>(values[2]) << 6) | static_cast<unsigned>(values[3]);
        out += static_cast<char>((triple >> 16) & 0xff);
        if (padding < 2) out += static_cast<char>((triple >> 8) & 0xff);
        if (padding < 1) out += static_cast<char>(triple & 0xff);
    }
    return out;
}

}  // namespace optml::remote
