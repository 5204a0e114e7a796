#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/unit/s3/fake_http_server.hpp"
#include "toolkit/s3/credentials.hpp"
#include "toolkit/s3/s3_error.hpp"
#include "toolkit/s3/sigv4.hpp"

using namespace optml;
using namespace optml::s3;
using optml::testing::FakeHttpServer;
using optml::testing::FakeRequest;
using optml::testing::FakeResponse;

namespace {

std::string iso8601_in(std::chrono::seconds from_now) {
    const std::string basic =
        format_amz_date(std::chrono::system_clock::now() + from_now);  // YYYYMMDDTHHMMSSZ
    return basic.substr(0, 4) + "-" + basic.substr(4, 2) + "-" + basic.substr(6, 2) + "T" +
           basic.substr(9, 2) + ":" + basic.substr(11, 2) + ":" + basic.substr(13, 2) + "Z";
}

std::string document(const std::string& key,
                     std::chrono::seconds valid_for = std::chrono::hours(6)) {
    return R"({"AccessKeyId": ")" + key + R"(", "SecretAccessKey": "secret-)" + key +
           R"(", "Token": "token-)" + key + R"(", "Expiration": ")" + iso8601_in(valid_for) +
           R"("})";
}

// Every test names all sources explicitly, so none can reach a real 169.254.x.x address.
system::EnvironmentSnapshot environment(system::EnvironmentSnapshot::Variables variables) {
    if (!variables.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT"))
        variables["AWS_EC2_METADATA_DISABLED"] = "true";
    return system::EnvironmentSnapshot(std::move(variables));
}

}  // namespace

TEST_CASE("environment variables come first, with the session token") {
    FakeHttpServer container([](const FakeRequest&) {
        return FakeResponse{200, document("CONTAINER"), {}, false};
    });
    CredentialsProvider provider(
        environment({{"AWS_ACCESS_KEY_ID", "AKENV"},
                     {"AWS_SECRET_ACCESS_KEY", "secret-env"},
                     {"AWS_SESSION_TOKEN", "token-env"},
                     {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"},
                     {"OPTML_CONTAINER_CREDENTIALS_HOST", container.base_url()}}));
    const Credentials credentials = provider.get();
    CHECK(credentials.access_key_id == "AKENV");
    CHECK(credentials.secret_access_key == "secret-env");
    CHECK(credentials.session_token == "token-env");
    CHECK_FALSE(credentials.expiration.has_value());
    CHECK(container.requests().empty());
}

TEST_CASE("the container endpoint: relative URI against the overridable host") {
    FakeHttpServer container([](const FakeRequest& request) {
        return request.target == "/v2/credentials/abc"
                   ? FakeResponse{200, document("AKCONTAINER"), {}, false}
                   : FakeResponse{404, "", {}, false};
    });
    CredentialsProvider provider(
        environment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
                     {"OPTML_CONTAINER_CREDENTIALS_HOST", container.base_url()}}));
    const Credentials credentials = provider.get();
    CHECK(credentials.access_key_id == "AKCONTAINER");
    CHECK(credentials.secret_access_key == "secret-AKCONTAINER");
    CHECK(credentials.session_token == "token-AKCONTAINER");
    REQUIRE(credentials.expiration.has_value());
    CHECK(*credentials.expiration > std::chrono::system_clock::now() + std::chrono::hours(5));
    REQUIRE(container.requests().size() == 1);
    CHECK(container.requests()[0].method == "GET");
}

TEST_CASE(
    "the container endpoint: full URI with the authorization token, from a variable or a file") {
    FakeHttpServer container([](const FakeRequest& request) {
        return request.header("authorization") == "Bearer xyz"
                   ? FakeResponse{200, document("AKFULL"), {}, false}
                   : FakeResponse{401, "", {}, false};
    });
    const std::string uri = container.base_url() + "/get-credentials?a=b";
    SECTION("variable") {
        const auto credentials = credentials_from_container(
            environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri},
                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer xyz"}}));
        REQUIRE(credentials);
        CHECK(credentials->access_key_id == "AKFULL");
    }
    SECTION("file") {
        const auto file =
            std::filesystem::temp_directory_path() / ("optml-token-" + std::to_string(::getpid()));
        std::ofstream(file) << "Bearer xyz\n";
        const auto credentials = credentials_from_container(
            environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri},
                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.string()}}));
        std::filesystem::remove(file);
        REQUIRE(credentials);
        CHECK(credentials->access_key_id == "AKFULL");
    }
    SECTION("no token: the endpoint's refusal is an error that names the source, not a secret") {
        try {
            credentials_from_container(environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri}}));
            FAIL("expected an S3Error");
        } catch (const S3Error& error) {
            CHECK(std::string(error.what()) ==
                  "The container credentials endpoint answered HTTP 401.");
        }
    }
    CHECK(container.requests().back().target == "/get-credentials?a=b");
}

TEST_CASE("IMDSv2: a session token, then the role, then its credentials") {
    FakeHttpServer metadata([](const FakeRequest& request) {
        if (request.method == "PUT" && request.target == "/latest/api/token") {
            if (request.header("x-aws-ec2-metadata-token-ttl-seconds").empty())
                return FakeResponse{400, "", {}, false};
            return FakeResponse{200, "imds-session", {}, false};
        }
        if (request.header("x-aws-ec2-metadata-token") != "imds-session")
            return FakeResponse{401, "", {}, false};
        if (request.target == "/latest/meta-data/iam/security-credentials/")
            return FakeResponse{200, "the-role\n", {}, false};
        if (request.target == "/latest/meta-data/iam/security-credentials/the-role") {
            return FakeResponse{200, document("AKIMDS"), {}, false};
        }
        return FakeResponse{404, "", {}, false};
    });
    CredentialsProvider provider(
        environment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", metadata.base_url()}}));
    const Credentials credentials = provider.get();
    CHECK(credentials.access_key_id == "AKIMDS");
    CHECK(credentials.session_token == "token-AKIMDS");
    const auto requests = metadata.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].method == "PUT");
    CHECK(requests[1].target == "/latest/meta-data/iam/security-credentials/");
    CHECK(requests[2].target == "/latest/meta-data/iam/security-credentials/the-role");
}

TEST_CASE("credentials are refreshed before they expire, and kept while they are fresh") {
    int served = 0;
    std::chrono::seconds validity{std::chrono::seconds(60)};
    FakeHttpServer container([&](const FakeRequest&) {
        ++served;
        return FakeResponse{200, document("AK" + std::to_string(served), validity), {}, false};
    });
    CredentialsProvider provider(
        environment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"},
                     {"OPTML_CONTAINER_CREDENTIALS_HOST", container.base_url()}}));
    // 60 s left is inside the 5-minute refresh margin: every call fetches again.
    CHECK(provider.get().access_key_id == "AK1");
    validity = std::chrono::hours(1);
    CHECK(provider.get().access_key_id == "AK2");
    // An hour left: cached.
    CHECK(provider.get().access_key_id == "AK2");
    CHECK(container.requests().size() == 2);
}

TEST_CASE("a failed refresh keeps credentials that have not expired yet") {
    bool broken = false;
    FakeHttpServer container([&](const FakeRequest&) {
        return broken ? FakeResponse{500, "", {}, false}
                      : FakeResponse{200, document("AKOLD", std::chrono::seconds(120)), {}, false};
    });
    CredentialsProvider provider(
        environment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"},
                     {"OPTML_CONTAINER_CREDENTIALS_HOST", container.base_url()}}));
    CHECK(provider.get().access_key_id == "AKOLD");
    broken = true;
    CHECK(provider.get().access_key_id == "AKOLD");
    CHECK(container.requests().size() > 1);
}

TEST_CASE("no source at all is a clear error") {
    CredentialsProvider provider(environment({}));
    CHECK_THROWS_WITH(provider.get(), Catch::Contains("No AWS credentials found"));
}

TEST_CASE("a malformed document names the source and the missing field, never a value") {
    CHECK_THROWS_WITH(parse_credentials_document(R"({"AccessKeyId": "AKX", "Token": "t"})",
                                                 "container credentials endpoint"),
                      "The container credentials endpoint answered without SecretAccessKey.");
    CHECK_THROWS_WITH(
        parse_credentials_document("not json secret-value", "instance metadata service"),
        !Catch::Contains("secret-value"));
}

TEST_CASE("ISO 8601 expiration times") {
    CHECK(parse_iso8601_utc("2013-05-24T00:00:00Z") ==
          std::chrono::system_clock::from_time_t(1369353600));
    CHECK(parse_iso8601_utc("2013-05-24T00:00:00.123Z") ==
          std::chrono::system_clock::from_time_t(1369353600));
    CHECK_FALSE(parse_iso8601_utc("tomorrow").has_value());
}
