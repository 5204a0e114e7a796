#pragma once

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>

namespace optml::s3::detail {

// libcurl and libcrypto are loaded with dlopen on first use, not linked: libcurl pulls in
// some 27 shared libraries (GnuTLS, Kerberos, LDAP, ...) whose loading costs about 7 ms at
// every start of train, also for the many jobs that never touch S3.

struct CurlApi {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL* handle);
    CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL* handle);
    CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
    const char* (*easy_strerror)(CURLcode code);
    curl_slist* (*slist_append)(curl_slist* list, const char* line);
    void (*slist_free_all)(curl_slist* list);
};

struct CryptoApi {
    unsigned char* (*sha256)(const unsigned char* data, std::size_t length, unsigned char* digest);
    unsigned char* (*hmac)(const EVP_MD* md, const void* key, int key_length,
                           const unsigned char* data, std::size_t data_length,
                           unsigned char* digest, unsigned int* digest_length);
    const EVP_MD* (*evp_sha256)();
    // Streaming digests and ECDSA verification (remote-function payload integrity).
    EVP_MD_CTX* (*md_ctx_new)();
    void (*md_ctx_free)(EVP_MD_CTX* context);
    int (*digest_init)(EVP_MD_CTX* context, const EVP_MD* type, ENGINE* engine);
    int (*digest_update)(EVP_MD_CTX* context, const void* data, std::size_t length);
    int (*digest_final)(EVP_MD_CTX* context, unsigned char* digest, unsigned int* length);
    int (*digest_verify_init)(EVP_MD_CTX* context, EVP_PKEY_CTX** key_context, const EVP_MD* type,
                              ENGINE* engine, EVP_PKEY* key);
    int (*digest_verify_update)(EVP_MD_CTX* context, const void* data, std::size_t length);
    int (*digest_verify_final)(EVP_MD_CTX* context, const unsigned char* signature,
                               std::size_t length);
    BIO* (*bio_new_mem_buf)(const void* buffer, int length);
    int (*bio_free)(BIO* bio);
    EVP_PKEY* (*pem_read_bio_pubkey)(BIO* bio, EVP_PKEY** key, pem_password_cb* callback,
                                     void* user);
    void (*pkey_free)(EVP_PKEY* key);
    int (*pkey_base_id)(const EVP_PKEY* key);
    int (*pkey_bits)(const EVP_PKEY* key);
};

// Loaded once (thread-safe); throws S3Error naming the library when it is not installed.
const CurlApi& curl_api();
const CryptoApi& crypto_api();

}  // namespace optml::s3::detail
