#pragma once

#include <curl/curl.h>
#include <openssl/evp.h>

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
};

// Loaded once (thread-safe); throws S3Error naming the library when it is not installed.
const CurlApi& curl_api();
const CryptoApi& crypto_api();

}  // namespace optml::s3::detail
