#include <catch2/catch.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/remote/exception_pickle.hpp"
#include "toolkit/remote/integrity.hpp"

using namespace optml::remote;

namespace {

// hashlib.sha256(b"payload").hexdigest() and
// hmac.new(("ab" * 32).encode(), b"payload", hashlib.sha256).hexdigest()
const std::string kPayload = "payload";
const std::string kSha256 = "239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5";
const std::string kHmacKey(64, 'a');

PayloadMetadata with_hash(std::string hash) {
    PayloadMetadata metadata;
    metadata.sha256_hash = std::move(hash);
    return metadata;
}

std::optional<std::string> check(const IntegrityKey& key, const std::string& bytes,
                                 const PayloadMetadata& metadata, bool accept_unhashed = false) {
    PayloadDigest digest(key);
    digest.bytes(bytes.data(), bytes.size());
    return digest.check(metadata, accept_unhashed);
}

}  // namespace

TEST_CASE("the key picks the generation and a malformed key is named, never shown") {
    CHECK(integrity_key(std::nullopt).kind == KeyKind::None);
    CHECK(integrity_key(std::string()).kind == KeyKind::None);
    CHECK(integrity_key(kHmacKey).kind == KeyKind::Hmac);
    try {
        integrity_key(std::string("secret-not-hex"));
        FAIL("a malformed key was accepted");
    } catch (const optml::errors::Error& error) {
        CHECK(std::string(error.what()).find("REMOTE_FUNCTION_SECRET_KEY") != std::string::npos);
        CHECK(std::string(error.what()).find("secret-not-hex") == std::string::npos);
    }
    CHECK_THROWS_AS(integrity_key(std::string("-----BEGIN PUBLIC KEY-----\nnope\n")),
                    optml::errors::Error);
}

TEST_CASE("plain SHA-256 passes the right hash and fails any other") {
    const IntegrityKey none;
    CHECK_FALSE(check(none, kPayload, with_hash(kSha256)));
    CHECK(check(none, "payloaD", with_hash(kSha256)) == std::string(kIntegrityFailed));
    CHECK(check(none, kPayload, with_hash("00")) == std::string(kIntegrityFailed));
}

TEST_CASE("HMAC-SHA256 is keyed by the key's text") {
    const IntegrityKey key{KeyKind::Hmac, kHmacKey};
    // hmac.new(b"a" * 64, b"payload", hashlib.sha256).hexdigest()
    const std::string expected = *hash_of(kPayload, key, OutputHash::Hmac);
    CHECK_FALSE(check(key, kPayload, with_hash(expected)));
    CHECK(check(key, kPayload, with_hash(kSha256)) == std::string(kIntegrityFailed));
    const IntegrityKey other{KeyKind::Hmac, std::string(64, 'b')};
    CHECK(check(other, kPayload, with_hash(expected)) == std::string(kIntegrityFailed));
}

TEST_CASE("a payload streamed in blocks, restarted midway, digests as the whole") {
    const IntegrityKey none;
    PayloadDigest digest(none);
    digest.bytes("garbage", 7);
    digest.restart();
    digest.bytes("pay", 3);
    digest.bytes("load", 4);
    CHECK_FALSE(digest.check(with_hash(kSha256), false));
}

TEST_CASE("an unhashed payload passes only for clients before 2.156") {
    const IntegrityKey none;
    CHECK_FALSE(check(none, kPayload, PayloadMetadata{}, true));
    CHECK(check(none, kPayload, PayloadMetadata{}, false)->starts_with("Corrupt metadata file."));
    CHECK(client_writes_no_hash(std::string("2.155.1")));
    CHECK(client_writes_no_hash(std::string("1.72.0")));
    CHECK_FALSE(client_writes_no_hash(std::string("2.156.0")));
    CHECK_FALSE(client_writes_no_hash(std::string("3.0.0.dev0")));
    CHECK_FALSE(client_writes_no_hash(std::string("garbage")));
    CHECK_FALSE(client_writes_no_hash(std::nullopt));
}

TEST_CASE("results carry the hash of the client's generation") {
    CHECK(output_hash(IntegrityKey{}, true) == OutputHash::None);
    CHECK(output_hash(IntegrityKey{}, false) == OutputHash::Sha256);
    CHECK(output_hash(IntegrityKey{KeyKind::Hmac, kHmacKey}, false) == OutputHash::Hmac);
    CHECK(output_hash(IntegrityKey{KeyKind::PublicKey, "pem"}, false) == OutputHash::Sha256);
    CHECK(hash_of(kPayload, IntegrityKey{}, OutputHash::Sha256) == kSha256);
    CHECK_FALSE(hash_of(kPayload, IntegrityKey{}, OutputHash::None));
}

TEST_CASE("base64 decodes the SDK's b64encode output and refuses anything else") {
    CHECK(base64_decode("cGF5bG9hZA==") == "payload");
    CHECK(base64_decode("YWJj") == "abc");
    CHECK(base64_decode("YQ==") == "a");
    CHECK_FALSE(base64_decode("YQ="));
    CHECK_FALSE(base64_decode("Y!=="));
    CHECK_FALSE(base64_decode("YQ==YWJj"));
}

TEST_CASE("train's own exceptions are protocol-2 pickles of optml_toolkit.remote.errors") {
    const std::string pickle = pickle_remote_error("DeserializationError", "why");
    static constexpr char kExpected[] =
        "\x80\x02"
        "coptml_toolkit.remote.errors\nDeserializationError\n"
        "X\x03\x00\x00\x00why\x85R.";
    CHECK(pickle == std::string(kExpected, sizeof kExpected - 1));
}
