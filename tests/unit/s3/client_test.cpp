#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/unit/s3/fake_http_server.hpp"
#include "toolkit/s3/client.hpp"
#include "toolkit/s3/endpoint.hpp"

using namespace optml;
using namespace optml::s3;
using optml::testing::FakeHttpServer;
using optml::testing::FakeRequest;
using optml::testing::FakeResponse;
namespace fs = std::filesystem;

namespace {

struct TempFile {
    fs::path path =
        fs::temp_directory_path() / ("optml-s3-client-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    ~TempFile() {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
    void write(const std::string& bytes) const { std::ofstream(path, std::ios::binary) << bytes; }
    std::string read() const {
        std::ifstream file(path, std::ios::binary);
        std::ostringstream bytes;
        bytes << file.rdbuf();
        return bytes.str();
    }
};

Client client_for(const FakeHttpServer& server, int max_attempts = 4) {
    ClientOptions options = client_options_from_environment(
        system::EnvironmentSnapshot(system::EnvironmentSnapshot::Variables{
            {"S3_ENDPOINT_URL", server.base_url()}, {"AWS_REGION", "eu-west-1"}}));
    options.max_attempts = max_attempts;
    options.first_backoff = std::chrono::milliseconds(1);
    options.max_backoff = std::chrono::milliseconds(5);
    return Client(options,
                  std::make_shared<CredentialsProvider>(system::EnvironmentSnapshot(
                      system::EnvironmentSnapshot::Variables{{"AWS_ACCESS_KEY_ID", "AKTEST"},
                                                             {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                             {"AWS_SESSION_TOKEN", "tok"}})));
}

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const S3Error& error) {
        return error.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("options: region precedence, endpoint override, addressing style") {
    using Variables = system::EnvironmentSnapshot::Variables;
    CHECK(client_options_from_environment(
              system::EnvironmentSnapshot(Variables{{"SAGEMAKER_REGION", "eu-west-3"},
                                                    {"AWS_REGION", "us-west-2"},
                                                    {"AWS_DEFAULT_REGION", "x"}}))
              .region == "eu-west-3");
    CHECK(client_options_from_environment(
              system::EnvironmentSnapshot(Variables{{"AWS_DEFAULT_REGION", "ap-south-1"}}))
              .region == "ap-south-1");
    CHECK(client_options_from_environment(system::EnvironmentSnapshot()).region == "us-east-1");
    const ClientOptions custom = client_options_from_environment(
        system::EnvironmentSnapshot(Variables{{"S3_ENDPOINT_URL", "http://127.0.0.1:4568/"},
                                              {"OPTML_S3_ADDRESSING_STYLE", "virtual"}}));
    CHECK(custom.endpoint == "http://127.0.0.1:4568");
    CHECK(custom.path_style == false);
}

TEST_CASE(
    "addresses: virtual-hosted on AWS, path-style on custom endpoints and for dotted buckets") {
    ClientOptions aws;
    aws.region = "eu-west-1";
    auto address = detail::address_of(aws, {"my-bucket", "dir/a b+c.txt"});
    CHECK(address.url == "https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b%2Bc.txt");
    CHECK(address.host == "my-bucket.s3.eu-west-1.amazonaws.com");
    CHECK(address.canonical_uri == "/dir/a%20b%2Bc.txt");

    address = detail::address_of(aws, {"my.dotted.bucket", "k"});
    CHECK(address.url == "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k");

    ClientOptions local;
    local.endpoint = "http://127.0.0.1:4568";
    address = detail::address_of(local, {"bucket", "k"});
    CHECK(address.url == "http://127.0.0.1:4568/bucket/k");
    CHECK(address.host == "127.0.0.1:4568");
    CHECK(detail::address_of(local, {"bucket", ""}).url == "http://127.0.0.1:4568/bucket");

    local.path_style = false;
    local.endpoint = "https://minio.example:443";
    address = detail::address_of(local, {"bucket", "k"});
    CHECK(address.url == "https://bucket.minio.example:443/k");
    CHECK(address.host == "bucket.minio.example");
}

TEST_CASE("a PUT streams the file with signed headers and survives 500s and dropped connections") {
    int calls = 0;
    FakeHttpServer server([&](const FakeRequest&) {
        ++calls;
        if (calls == 1)
            return FakeResponse{500, "<Error><Code>InternalError</Code></Error>", {}, false};
        if (calls == 2) return FakeResponse{200, "", {}, true};  // dropped
        if (calls == 3) return FakeResponse{503, "<Error><Code>SlowDown</Code></Error>", {}, false};
        return FakeResponse{200, "", {{"ETag", "\"abc\""}}, false};
    });
    TempFile file;
    file.write(std::string(100000, 'z'));
    client_for(server).upload(file.path, {"bucket", "dir/file.bin"});
    const auto requests = server.requests();
    REQUIRE(requests.size() == 4);
    const FakeRequest& last = requests.back();
    CHECK(last.method == "PUT");
    CHECK(last.target == "/bucket/dir/file.bin");
    CHECK(last.body == std::string(100000, 'z'));
    CHECK(last.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
    CHECK(last.header("x-amz-security-token") == "tok");
    CHECK_THAT(last.header("authorization"),
               Catch::StartsWith("AWS4-HMAC-SHA256 Credential=AKTEST/") &&
                   Catch::Contains("/eu-west-1/s3/aws4_request"));
    CHECK(last.header("authorization").find("secret") == std::string::npos);
}

TEST_CASE("403 and 404 name bucket and key; a server that keeps failing reports the attempts") {
    std::string code = "AccessDenied";
    int status = 403;
    FakeHttpServer server([&](const FakeRequest&) {
        return FakeResponse{
            status, "<Error><Code>" + code + "</Code><Message>m</Message></Error>", {}, false};
    });
    TempFile file;
    Client client = client_for(server);
    CHECK_THAT(
        error_of([&] {
            client.download({"bkt", "a/b.tar.gz"}, file.path);
        }),
        Catch::StartsWith("Access to s3://bkt/a/b.tar.gz was denied (HTTP 403 AccessDenied: m)") &&
            Catch::Contains("bucket 'bkt', key 'a/b.tar.gz'"));
    status = 404;
    code = "NoSuchKey";
    CHECK(error_of([&] {
              client.download({"bkt", "a/b.tar.gz"}, file.path);
          }) ==
          "The S3 object s3://bkt/a/b.tar.gz does not exist (bucket 'bkt', key 'a/b.tar.gz').");
    code = "NoSuchBucket";
    CHECK(error_of([&] {
              client.download({"bkt", "a/b.tar.gz"}, file.path);
          }) == "The S3 bucket 'bkt' does not exist (downloading s3://bkt/a/b.tar.gz).");
    status = 500;
    code = "InternalError";
    const std::size_t before = server.requests().size();
    CHECK(error_of([&] {
              client.download({"bkt", "k"}, file.path);
          }) == "downloading s3://bkt/k failed: HTTP 500 InternalError: m (after 4 attempts).");
    CHECK(server.requests().size() - before == 4);
}

TEST_CASE("a download cut short resumes with a Range request and If-Match, and appends") {
    const std::string object = std::string(5000, 'a') + std::string(5000, 'b');
    FakeHttpServer server([&](const FakeRequest& request) {
        const std::string range = request.header("range");
        if (range.empty()) {
            FakeResponse cut{200, object, {{"ETag", "\"e1\""}}, false};
            cut.send_only = 4000;  // the connection breaks after 4000 of 10000 bytes
            return cut;
        }
        const std::size_t from = std::stoul(range.substr(6));
        return FakeResponse{206,
                            object.substr(from),
                            {{"Content-Range", "bytes " + std::to_string(from) + "-9999/10000"},
                             {"ETag", "\"e1\""}},
                            false};
    });
    TempFile file;
    client_for(server).download({"bucket", "obj"}, file.path);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].header("range") == "bytes=4000-");
    CHECK(requests[1].header("if-match") == "\"e1\"");
    CHECK(file.read() == object);
}

TEST_CASE("a server that ignores Range gets the download restarted from byte 0") {
    const std::string object(10000, 'q');
    int calls = 0;
    FakeHttpServer server([&](const FakeRequest&) {
        FakeResponse response{200, object, {}, false};
        if (++calls == 1) response.send_only = 3000;
        return response;
    });
    TempFile file;
    client_for(server).download({"bucket", "obj"}, file.path);
    CHECK(calls == 2);
    CHECK(file.read() == object);
}

TEST_CASE("object URIs and endpoint errors never show credentials") {
    CHECK(ObjectRef{"bucket", "dir/k"}.uri() == "s3://bucket/dir/k");
    CHECK(ObjectRef{"user:SECRET@bucket", "k"}.uri() == "s3://***@bucket/k");
    ClientOptions pasted;
    pasted.endpoint = "AKIDEXAMPLE:SECRET@127.0.0.1";
    try {
        detail::address_of(pasted, {"bucket", "k"});
        FAIL("an endpoint without scheme:// is refused");
    } catch (const S3Error& error) {
        CHECK_THAT(error.what(), Catch::Contains("S3_ENDPOINT_URL") && !Catch::Contains("SECRET") &&
                                     !Catch::Contains("AKID"));
    }
}
