#include "toolkit/s3/digest.hpp"

#include <stdexcept>

#include "toolkit/s3/hashing.hpp"
#include "toolkit/s3/shared_library.hpp"

namespace optml::s3 {

namespace {

constexpr std::size_t kSha256BlockSize = 64;

}  // namespace

struct Sha256Stream::Context {
    EVP_MD_CTX* md = nullptr;
    ~Context() {
        if (md != nullptr) detail::crypto_api().md_ctx_free(md);
    }
};

Sha256Stream::Sha256Stream() : context_(std::make_unique<Context>()) {
    const detail::CryptoApi& crypto = detail::crypto_api();
    context_->md = crypto.md_ctx_new();
    if (context_->md == nullptr ||
        crypto.digest_init(context_->md, crypto.evp_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 cannot be started in OpenSSL");
}

Sha256Stream::~Sha256Stream() = default;
Sha256Stream::Sha256Stream(Sha256Stream&&) noexcept = default;
Sha256Stream& Sha256Stream::operator=(Sha256Stream&&) noexcept = default;

void Sha256Stream::update(std::string_view data) {
    if (detail::crypto_api().digest_update(context_->md, data.data(), data.size()) != 1)
        throw std::runtime_error("SHA-256 failed in OpenSSL");
}

std::string Sha256Stream::raw() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (detail::crypto_api().digest_final(context_->md, digest, &length) != 1)
        throw std::runtime_error("SHA-256 failed in OpenSSL");
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Sha256Stream::hex() {
    return to_hex(raw());
}

HmacSha256Stream::HmacSha256Stream(std::string_view key) {
    std::string block_key(key);
    if (block_key.size() > kSha256BlockSize) {
        Sha256Stream shortened;
        shortened.update(block_key);
        block_key = shortened.raw();
    }
    block_key.resize(kSha256BlockSize, '\0');
    std::string inner_pad = block_key;
    outer_key_pad_ = block_key;
    for (std::size_t i = 0; i < kSha256BlockSize; ++i) {
        inner_pad[i] = static_cast<char>(inner_pad[i] ^ 0x36);
        outer_key_pad_[i] = static_cast<char>(outer_key_pad_[i] ^ 0x5c);
    }
    inner_.update(inner_pad);
}

void HmacSha256Stream::update(std::string_view data) {
    inner_.update(data);
}

std::string HmacSha256Stream::hex() {
    Sha256Stream outer;
    outer.update(outer_key_pad_);
    outer.update(inner_.raw());
    return outer.hex();
}

struct EcdsaSha256Verifier::Context {
    EVP_MD_CTX* md = nullptr;
    EVP_PKEY* key = nullptr;
    ~Context() {
        const detail::CryptoApi& crypto = detail::crypto_api();
        if (md != nullptr) crypto.md_ctx_free(md);
        if (key != nullptr) crypto.pkey_free(key);
    }
};

EcdsaSha256Verifier::EcdsaSha256Verifier(std::string_view public_key_pem)
    : context_(std::make_unique<Context>()) {
    const detail::CryptoApi& crypto = detail::crypto_api();
    BIO* bio =
        crypto.bio_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size()));
    if (bio == nullptr) throw std::runtime_error("OpenSSL cannot allocate a memory BIO");
    context_->key = crypto.pem_read_bio_pubkey(bio, nullptr, nullptr, nullptr);
    crypto.bio_free(bio);
    if (context_->key == nullptr) throw std::invalid_argument("it is not a PEM public key");
    if (crypto.pkey_base_id(context_->key) != EVP_PKEY_EC)
        throw std::invalid_argument("it is not an elliptic-curve public key");
    context_->md = crypto.md_ctx_new();
    if (context_->md == nullptr ||
        crypto.digest_verify_init(context_->md, nullptr, crypto.evp_sha256(), nullptr,
                                  context_->key) != 1) {
        throw std::runtime_error("ECDSA verification cannot be started in OpenSSL");
    }
}

EcdsaSha256Verifier::~EcdsaSha256Verifier() = default;

void EcdsaSha256Verifier::update(std::string_view data) {
    if (detail::crypto_api().digest_verify_update(context_->md, data.data(), data.size()) != 1)
        throw std::runtime_error("ECDSA verification failed in OpenSSL");
}

bool EcdsaSha256Verifier::verify(std::string_view der_signature) {
    return detail::crypto_api().digest_verify_final(
               context_->md, reinterpret_cast<const unsigned char*>(der_signature.data()),
               der_signature.size()) == 1;
}

}  // namespace optml::s3
