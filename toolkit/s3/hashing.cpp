#include "toolkit/s3/hashing.hpp"

#include <stdexcept>

#include "toolkit/s3/shared_library.hpp"

namespace optml::s3 {

std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        hex += digits[byte >> 4];
        hex += digits[byte & 0x0f];
    }
    return hex;
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[32];
    detail::crypto_api().sha256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                                digest);
    return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const detail::CryptoApi& crypto = detail::crypto_api();
    if (crypto.hmac(crypto.evp_sha256(), key.data(), static_cast<int>(key.size()),
                    reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
                    &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
    }
    return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace optml::s3
