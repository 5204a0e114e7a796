#include "toolkit/s3/shared_library.hpp"

#include <dlfcn.h>

#include <string>

#include "toolkit/s3/s3_error.hpp"

namespace optml::s3::detail {

namespace {

class Library {
  public:
    Library(const char* soname, const char* package) : soname_(soname), package_(package) {
        handle_ = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (handle_ == nullptr) {
            throw S3Error(std::string("S3 transfers need ") + soname + " (Debian package " +
                          package + "), which cannot be loaded: " + ::dlerror() + ".");
        }
    }

    template <typename Function>
    void bind(Function& target, const char* symbol) const {
        void* address = ::dlsym(handle_, symbol);
        if (address == nullptr) {
            throw S3Error(std::string(soname_) + " lacks " + symbol + "; install a current " +
                          package_ + ".");
        }
        target = reinterpret_cast<Function>(address);
    }

  private:
    const char* soname_;
    const char* package_;
    void* handle_ = nullptr;  // never closed: the functions are used until exit
};

CurlApi load_curl() {
    const Library library("libcurl.so.4", "libcurl4");
    CurlApi api{};
    library.bind(api.global_init, "curl_global_init");
    library.bind(api.easy_init, "curl_easy_init");
    library.bind(api.easy_cleanup, "curl_easy_cleanup");
    library.bind(api.easy_setopt, "curl_easy_setopt");
    library.bind(api.easy_perform, "curl_easy_perform");
    library.bind(api.easy_getinfo, "curl_easy_getinfo");
    library.bind(api.easy_strerror, "curl_easy_strerror");
    library.bind(api.slist_append, "curl_slist_append");
    library.bind(api.slist_free_all, "curl_slist_free_all");
    // curl_global_init is not thread-safe in every libcurl build: done once, here.
    api.global_init(CURL_GLOBAL_DEFAULT);
    return api;
}

CryptoApi load_crypto() {
    const Library library("libcrypto.so.3", "libssl3");
    CryptoApi api{};
    library.bind(api.sha256, "SHA256");
    library.bind(api.hmac, "HMAC");
    library.bind(api.evp_sha256, "EVP_sha256");
    library.bind(api.md_ctx_new, "EVP_MD_CTX_new");
    library.bind(api.md_ctx_free, "EVP_MD_CTX_free");
    library.bind(api.digest_init, "EVP_DigestInit_ex");
    library.bind(api.digest_update, "EVP_DigestUpdate");
    library.bind(api.digest_final, "EVP_DigestFinal_ex");
    library.bind(api.digest_verify_init, "EVP_DigestVerifyInit");
    library.bind(api.digest_verify_update, "EVP_DigestVerifyUpdate");
    library.bind(api.digest_verify_final, "EVP_DigestVerifyFinal");
    library.bind(api.bio_new_mem_buf, "BIO_new_mem_buf");
    library.bind(api.bio_free, "BIO_free");
    library.bind(api.pem_read_bio_pubkey, "PEM_read_bio_PUBKEY");
    library.bind(api.pkey_free, "EVP_PKEY_free");
    library.bind(api.pkey_base_id, "EVP_PKEY_get_base_id");
    library.bind(api.pkey_bits, "EVP_PKEY_get_bits");
    return api;
}

}  // namespace

// Function-local statics: initialised once, thread-safe; a failed load throws and is tried
// again by the next caller.
const CurlApi& curl_api() {
    static const CurlApi api = load_curl();
    return api;
}

const CryptoApi& crypto_api() {
    static const CryptoApi api = load_crypto();
    return api;
}

}  // namespace optml::s3::detail
