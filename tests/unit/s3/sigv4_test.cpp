#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "toolkit/s3/hashing.hpp"
#include "toolkit/s3/sigv4.hpp"

using namespace optml::s3;

namespace {

// The credentials of AWS's published S3 SigV4 examples ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk").
Credentials example_credentials() {
    Credentials credentials;
    credentials.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    return credentials;
}

const SigningScope example_scope{"20130524T000000Z", "us-east-1", "s3"};
const std::string empty_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string authorization_of(const std::vector<Header>& headers) {
    for (const Header& header : headers) {
        if (header.name == "Authorization") return header.value;
    }
    return "";
}

std::string signature_in(const std::string& authorization) {
    return authorization.substr(authorization.rfind('=') + 1);
}

}  // namespace

TEST_CASE("AWS example GET Object with Range: every intermediate value and the signature") {
    RequestToSign request{"GET",
                          "/test.txt",
                          {},
                          {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}},
                          empty_hash};
    const std::vector<Header> added = sign(request, example_credentials(), example_scope);

    CHECK(canonical_request(request) ==
          "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
          "x-amz-content-sha256:" +
              empty_hash +
              "\nx-amz-date:20130524T000000Z\n\n"
              "host;range;x-amz-content-sha256;x-amz-date\n" +
              empty_hash);
    CHECK(string_to_sign(canonical_request(request), example_scope) ==
          "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
          "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    CHECK(authorization_of(added) ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
          "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
          "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("AWS example PUT Object with a storage class and a Date header") {
    RequestToSign request{"PUT",
                          "/test%24file.text",
                          {},
                          {{"Host", "examplebucket.s3.amazonaws.com"},
                           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                          sha256_hex("Welcome to Amazon S3.")};
    CHECK(request.payload_hash ==
          "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    CHECK(signature_in(authorization_of(sign(request, example_credentials(), example_scope))) ==
          "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("AWS example GET Bucket Lifecycle: a query parameter without a value") {
    RequestToSign request{
        "GET", "/", {{"lifecycle", ""}}, {{"Host", "examplebucket.s3.amazonaws.com"}}, empty_hash};
    CHECK(canonical_query_string(request.query) == "lifecycle=");
    CHECK(signature_in(authorization_of(sign(request, example_credentials(), example_scope))) ==
          "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST_CASE("AWS example Get Bucket (List Objects): sorted query parameters") {
    RequestToSign request{"GET",
                          "/",
                          {{"prefix", "J"}, {"max-keys", "2"}},
                          {{"Host", "examplebucket.s3.amazonaws.com"}},
                          empty_hash};
    CHECK(canonical_query_string(request.query) == "max-keys=2&prefix=J");
    CHECK(signature_in(authorization_of(sign(request, example_credentials(), example_scope))) ==
          "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("uri_encode keeps unreserved characters and slashes in keys only") {
    CHECK(uri_encode("a b/c~d_e.f-g", false) == "a%20b/c~d_e.f-g");
    CHECK(uri_encode("a b/c", true) == "a%20b%2Fc");
    CHECK(uri_encode("\xc3\xa9+=&", true) == "%C3%A9%2B%3D%26");
}

TEST_CASE("header values are trimmed and inner runs of spaces collapsed") {
    RequestToSign request{"GET", "/", {}, {{"Host", "h"}, {"X-Odd", "  a   b  "}}, empty_hash};
    CHECK(canonical_request(request).find("\nx-odd:a b\n") != std::string::npos);
}

TEST_CASE("a session token is sent and signed as x-amz-security-token") {
    Credentials credentials = example_credentials();
    credentials.session_token = "the-token";
    RequestToSign request{"GET", "/k", {}, {{"Host", "h"}}, std::string(unsigned_payload)};
    const std::vector<Header> added = sign(request, credentials, example_scope);
    bool sent = false;
    for (const Header& header : added)
        sent |= header.name == "x-amz-security-token" && header.value == "the-token";
    CHECK(sent);
    CHECK(authorization_of(added).find(
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") !=
          std::string::npos);
}

TEST_CASE("format_amz_date writes UTC in the basic ISO 8601 form") {
    CHECK(format_amz_date(std::chrono::system_clock::from_time_t(1369353600)) ==
          "20130524T000000Z");
}

// ---- the independent signer: npm aws4, run by node ----------------------------------------

namespace {

std::string run_command(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::string output;
    std::array<char, 512> buffer{};
    while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) output += buffer.data();
    while (!output.empty() && output.back() == '\n') output.pop_back();
    return output;
}

std::string quoted(const std::string& text) {
    return "'" + text + "'";
}

bool node_available() {
    return std::system("command -v node >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("signatures match the independent signer npm aws4") {
    if (!node_available()) {
        WARN(
            "SKIPPED: node is not installed (scripts/install-deps.sh installs nodejs and aws4); "
            "the aws4 cross-check did not run");
        return;
    }
    const std::filesystem::path here = std::filesystem::path(__FILE__).parent_path();
    const std::filesystem::path modules = here / ".." / ".." / ".node" / "node_modules";
    INFO("npm aws4 must be installed under tests/.node: run scripts/install-deps.sh");
    REQUIRE(std::filesystem::exists(modules / "aws4"));
    const std::string script = (here / "aws4_sign.js").string();

    struct Case {
        std::string method, host, path;
        std::vector<std::pair<std::string, std::string>> query;
        std::vector<Header> headers;
        std::string payload_hash, token, region;
    };
    const std::vector<Case> cases{
        {"GET",
         "examplebucket.s3.amazonaws.com",
         "/test.txt",
         {},
         {{"Range", "bytes=0-9"}},
         empty_hash,
         "",
         "us-east-1"},
        {"PUT",
         "127.0.0.1:4568",
         "/bucket/dir/a%20b%2Bc.bin",
         {},
         {{"Content-Type", "application/octet-stream"}},
         std::string(unsigned_payload),
         "session/token+=",
         "eu-west-1"},
        {"POST",
         "bucket.s3.us-west-2.amazonaws.com",
         "/big/file",
         {{"uploads", ""}},
         {},
         empty_hash,
         "",
         "us-west-2"},
        {"PUT",
         "s3.ap-south-1.amazonaws.com",
         "/b/" + uri_encode("k~ (1)\xc3\xa9*", false),
         {{"uploadId", "abc/def=="}, {"partNumber", "12"}},
         {},
         std::string(unsigned_payload),
         "",
         "ap-south-1"},
    };
    for (const Case& c : cases) {
        SigningScope scope{"20261122T013000Z", c.region, "s3"};
        RequestToSign request{c.method, c.path, c.query, c.headers, c.payload_hash};
        request.headers.push_back({"Host", c.host});
        Credentials credentials = example_credentials();
        credentials.session_token = c.token;
        const std::string ours = authorization_of(sign(request, credentials, scope));

        const std::string query = canonical_query_string(c.query);
        std::string command =
            "NODE_PATH=" + quoted(modules.string()) + " node " + quoted(script) + " " + c.method +
            " " + quoted(c.host) + " " + quoted(c.path + (query.empty() ? "" : "?" + query)) + " " +
            scope.amz_date + " " + c.region + " " + quoted(c.payload_hash) + " " + quoted(c.token);
        for (const Header& header : c.headers)
            command += " " + quoted(header.name + ":" + header.value);
        INFO(c.method << " " << c.host << c.path);
        CHECK(run_command(command) == ours);
    }
}
