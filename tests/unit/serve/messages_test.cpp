#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include "toolkit/serve/messages.hpp"
#include "toolkit/serve/routes.hpp"
#include "toolkit/serve/worker_pool.hpp"

using namespace optml;
using namespace optml::serve;

TEST_CASE("the invoke header carries the types and every header, names lower-cased") {
    http::Request request;
    request.method(boost::beast::http::verb::post);
    request.target("/invocations");
    request.set("Content-Type", "text/csv; charset=utf-8");
    request.set("X-Amzn-SageMaker-Custom-Attributes", "a=\"1\"");
    std::string header;
    write_invoke_header(7, request, header);
    const auto parsed = nlohmann::json::parse(header);
    CHECK(parsed["type"] == "invoke");
    CHECK(parsed["id"] == 7);
    CHECK(parsed["content_type"] == "text/csv; charset=utf-8");
    CHECK(parsed["accept"].is_null());
    CHECK(parsed["headers"]["x-amzn-sagemaker-custom-attributes"] == "a=\"1\"");
    CHECK(parsed["headers"]["content-type"] == "text/csv; charset=utf-8");
}

TEST_CASE("the legacy ContentType header counts when Content-Type is missing") {
    http::Request request;
    request.set("ContentType", "application/x-npy");
    request.set("Accept", "text/csv");
    std::string header;
    write_invoke_header(1, request, header);
    const auto parsed = nlohmann::json::parse(header);
    CHECK(parsed["content_type"] == "application/x-npy");
    CHECK(parsed["accept"] == "text/csv");
}

TEST_CASE("worker messages are read leniently, response fields are checked") {
    const WorkerMessage response = parse_worker_message(
        R"({"type":"response","id":3,"status":415,"content_type":"text/plain","future":1,)"
        R"("headers":{"X-Trace":"1","Content-Length":"9","Bad\nName":"x","X-Evil":"a\r\nb"}})");
    CHECK(response.type == "response");
    CHECK(response.id == 3);
    CHECK(response.status == 415);
    CHECK(response.content_type == "text/plain");
    CHECK(response.extra_fields == "X-Trace: 1\r\n");
    const WorkerMessage loaded =
        parse_worker_message(R"({"type":"loaded","fork_safe":false,"reason":"CUDA"})");
    CHECK_FALSE(loaded.fork_safe);
    CHECK(loaded.reason == "CUDA");
    CHECK_THROWS(parse_worker_message("[1]"));
    CHECK_THROWS(parse_worker_message("{not json"));
    CHECK_THROWS(parse_worker_message(R"({"no_type":1})"));
}

TEST_CASE("fork and exit commands") {
    CHECK(nlohmann::json::parse(fork_header(2)) ==
          nlohmann::json({{"type", "fork"}, {"worker_id", 2}}));
    CHECK(nlohmann::json::parse(exit_header())["type"] == "exit");
}

TEST_CASE("execution parameters as the reference names them") {
    ServeSettings settings;
    settings.max_concurrent_transforms = 4;
    settings.batch_strategy = "SINGLE_RECORD";
    settings.max_payload_mb = 0;
    CHECK(nlohmann::json::parse(execution_parameters_json(settings)) ==
          nlohmann::json({{"MaxConcurrentTransforms", 4},
                          {"BatchStrategy", "SINGLE_RECORD"},
                          {"MaxPayloadInMB", 0}}));
}

TEST_CASE("a crash is named by its signal or exit code") {
    CHECK(describe_wait_status(SIGKILL) == "it was killed by SIGKILL");  // WIFSIGNALED layout
    CHECK(describe_wait_status(3 << 8) == "it exited with code 3");
}
