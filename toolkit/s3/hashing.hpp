#pragma once

#include <string>
#include <string_view>

namespace optml::s3 {

// Lower-case hex of SHA-256(data), as SigV4 writes payload and request hashes.
std::string sha256_hex(std::string_view data);

// Raw HMAC-SHA256(key, data): 32 bytes, used to chain the SigV4 signing key.
std::string hmac_sha256(std::string_view key, std::string_view data);

std::string to_hex(std::string_view bytes);

}  // namespace optml::s3
