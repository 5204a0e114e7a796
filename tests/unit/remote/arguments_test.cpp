#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "toolkit/errors/error.hpp"
#include "toolkit/remote/arguments.hpp"

using namespace optml::remote;

TEST_CASE("the SDK's container arguments are read and unknown ones ignored") {
    const std::vector<std::string> argv = {"--s3_base_uri",
                                           "s3://bucket/root/job/",
                                           "--region",
                                           "eu-west-1",
                                           "--client_python_version",
                                           "3.11",
                                           "--client_sagemaker_pysdk_version",
                                           "2.240.0",
                                           "--dependency_settings",
                                           R"({"dependency_file": "requirements.txt"})",
                                           "--pipeline_step_name",
                                           "step",
                                           "--property_references",
                                           "a",
                                           "b",
                                           "--serialize_output_to_json=True",
                                           "--user_nproc_per_node",
                                           "4"};
    const RemoteArguments parsed = parse_remote_arguments(argv);
    CHECK(parsed.s3_base_uri == "s3://bucket/root/job");
    CHECK(parsed.region == "eu-west-1");
    CHECK(parsed.client_python_version == "3.11");
    CHECK(parsed.client_sagemaker_pysdk_version == "2.240.0");
    CHECK(parsed.serialize_output_to_json);
    CHECK(parsed.user_nproc_per_node == "4");
    CHECK_FALSE(parsed.distribution);
    const DependencySettings settings = parse_dependency_settings(parsed.dependency_settings);
    CHECK(settings.given);
    CHECK(settings.dependency_file == "requirements.txt");
}

TEST_CASE("missing required arguments are named") {
    const std::vector<std::string> argv = {"--region", "us-east-1"};
    CHECK_THROWS_AS(parse_remote_arguments(argv), optml::errors::Error);
    const std::vector<std::string> dangling = {"--s3_base_uri"};
    CHECK_THROWS_AS(parse_remote_arguments(dangling), optml::errors::Error);
}

TEST_CASE("dependency settings: null, absent and malformed") {
    CHECK_FALSE(
        parse_dependency_settings(std::string(R"({"dependency_file": null})")).dependency_file);
    CHECK(parse_dependency_settings(std::string(R"({"dependency_file": null})")).given);
    CHECK_FALSE(parse_dependency_settings(std::nullopt).given);
    CHECK_THROWS_AS(parse_dependency_settings(std::string("nope")), optml::errors::Error);
}
