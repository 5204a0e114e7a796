#pragma once

#include <memory>
#include <string>
#include <string_view>

// Digests fed block by block while bytes stream past (downloads, file reads), on the one
// libcrypto that s3/ loads (shared_library.hpp). Used by remote/ for payload integrity.
namespace optml::s3 {

// SHA-256 over everything passed to update(); hex() once at the end.
class Sha256Stream {
  public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(Sha256Stream&&) noexcept;
    Sha256Stream& operator=(Sha256Stream&&) noexcept;
    void update(std::string_view data);
    std::string raw();  // 32 bytes; ends the stream
    std::string hex();  // lower-case hex; ends the stream

  private:
    struct Context;
    std::unique_ptr<Context> context_;
};

// HMAC-SHA256 (RFC 2104) keyed by `key`'s bytes, streamed.
class HmacSha256Stream {
  public:
    explicit HmacSha256Stream(std::string_view key);
    void update(std::string_view data);
    std::string hex();

  private:
    std::string outer_key_pad_;
    Sha256Stream inner_;
};

// Verifies an ECDSA-with-SHA-256 signature (DER) over the streamed bytes with an EC public
// key given as PEM. Throws std::invalid_argument naming the problem when the PEM is not an
// EC public key.
class EcdsaSha256Verifier {
  public:
    explicit EcdsaSha256Verifier(std::string_view public_key_pem);
    ~EcdsaSha256Verifier();
    EcdsaSha256Verifier(const EcdsaSha256Verifier&) = delete;
    EcdsaSha256Verifier& operator=(const EcdsaSha256Verifier&) = delete;
    void update(std::string_view data);
    bool verify(std::string_view der_signature);  // ends the stream

  private:
    struct Context;
    std::unique_ptr<Context> context_;
};

}  // namespace optml::s3
