#include <catch2/catch.hpp>

#include "toolkit/config/config_files.hpp"
#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"

using namespace optml;

namespace {

config::ConfigDocuments documents(const char* hyperparameters, const char* resources,
                                  const char* channels = "{}") {
    return {pyjson::loads(hyperparameters).as_dict(), pyjson::loads(channels).as_dict(),
            pyjson::loads(resources).as_dict()};
}

config::TrainingEnv build(const config::ConfigDocuments& docs,
                          system::EnvironmentSnapshot::Variables variables = {}) {
    return config::build_training_env(config::Paths::under("/base"), docs,
                                      system::EnvironmentSnapshot(std::move(variables)),
                                      hardware::HardwareCounts{2, 0, 0, false, false});
}

const char* kOneHost = R"({"current_host": "algo-1", "hosts": ["algo-1"]})";

std::string error_message(const config::ConfigDocuments& docs,
                          system::EnvironmentSnapshot::Variables variables = {}) {
    try {
        build(docs, std::move(variables));
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        return error.what();
    }
    FAIL("expected a configuration error");
    return "";
}

}  // namespace

TEST_CASE("hyperparameters split into user, toolkit and framework parameters") {
    auto env = build(documents(
        R"({"sagemaker_program": "\"train.py\"", "sagemaker_region": "\"eu-west-1\"",
            "sagemaker_job_name": "\"j\"", "sagemaker_custom": "{\"a\": 1}",
            "_tuning_objective_metric": "\"loss\"", "default_user_module_name": "\"m\"",
            "sagemaker_s3_output": "\"s3://b/o\"",
            "SageMaker_lookalike": "\"kept\"", "epochs": "1"})",
        kOneHost));
    CHECK(pyjson::dumps(env.hyperparameters) == R"({"SageMaker_lookalike":"kept","epochs":1})");
    CHECK(pyjson::dumps(env.additional_framework_parameters) == R"({"sagemaker_custom":{"a":1}})");
    CHECK(env.region == "eu-west-1");
    CHECK(env.s3_output == "s3://b/o");
    CHECK(env.sagemaker_job_name == "j");
    CHECK(env.user_entry_point == "train.py");
    CHECK(env.module_name == "train");
    CHECK(env.module_dir == "/base/code");
}

TEST_CASE("SAGEMAKER_PROGRAM wins over sagemaker_program") {
    auto env = build(documents(R"({"sagemaker_program": "\"other.py\""})", kOneHost),
                     {{"SAGEMAKER_PROGRAM", "train.py"}});
    CHECK(env.user_entry_point == "train.py");
    CHECK(env.module_name == "train");
}

TEST_CASE("no entry point leaves module_name as Python's str(None)") {
    auto env = build(documents("{}", kOneHost));
    CHECK_FALSE(env.user_entry_point.has_value());
    CHECK(env.module_name == "None");
}

TEST_CASE("region falls back to AWS_REGION then AWS_DEFAULT_REGION") {
    CHECK(build(documents("{}", kOneHost), {{"AWS_DEFAULT_REGION", "us-west-2"}}).region ==
          "us-west-2");
    CHECK(build(documents("{}", kOneHost),
                {{"AWS_REGION", "eu-central-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}})
              .region == "eu-central-1");
    CHECK(build(documents("{}", kOneHost)).region.empty());
}

TEST_CASE("homogeneous cluster: distribution over all hosts, master is the first") {
    auto env =
        build(documents("{}", R"({"current_host": "algo-2", "hosts": ["algo-1", "algo-2", "algo-3"],
                  "network_interface_name": "ethwe"})"));
    CHECK(env.distribution_hosts == std::vector<std::string>{"algo-1", "algo-2", "algo-3"});
    CHECK(env.master_hostname == "algo-1");
    CHECK_FALSE(env.is_master);
    CHECK(env.network_interface_name == "ethwe");
    CHECK(env.current_instance_type == "local");
    CHECK(env.current_instance_group == "homogeneousCluster");
    CHECK_FALSE(env.is_hetero);
}

TEST_CASE("heterogeneous cluster with distribution groups") {
    const char* resources = R"({"current_host": "algo-1", "current_group_name": "cpu",
        "hosts": ["algo-1", "algo-2"],
        "instance_groups": [{"instance_group_name": "cpu", "instance_type": "ml.c5.xlarge", "hosts": ["algo-1"]},
                            {"instance_group_name": "gpu", "instance_type": "ml.p3.2xlarge", "hosts": ["algo-2"]}]})";
    auto listed = build(documents(R"({"sagemaker_distribution_instance_groups": "[\"gpu\"]",
                                      "sagemaker_mpi_enabled": "true"})",
                                  resources));
    CHECK(listed.is_hetero);
    CHECK(listed.current_instance_group_hosts == std::vector<std::string>{"algo-1"});
    CHECK(listed.distribution_hosts == std::vector<std::string>{"algo-2"});
    CHECK(listed.master_hostname == "algo-2");
    CHECK_FALSE(listed.is_master);

    auto switched = build(documents(R"({"sagemaker_mpi_enabled": "true"})", resources));
    CHECK(switched.distribution_instance_groups == std::vector<std::string>{"cpu"});
    CHECK(switched.distribution_hosts == std::vector<std::string>{"algo-1"});

    auto none = build(documents("{}", resources));
    CHECK(none.distribution_hosts.empty());
    CHECK(none.master_hostname == "algo-1");
}

TEST_CASE("model parallel flag follows the reference's truthiness") {
    CHECK(build(documents("{}", kOneHost)).is_modelparallel_enabled.is_none());
    CHECK(pyjson::dumps(build(documents("{}", kOneHost), {{"SM_HP_MP_PARAMETERS", "{}"}})
                            .is_modelparallel_enabled) == "false");
    CHECK(pyjson::dumps(build(documents("{}", kOneHost), {{"SM_HP_MP_PARAMETERS", "{\"a\":1}"}})
                            .is_modelparallel_enabled) == "true");
}

TEST_CASE("configuration errors name the file and key") {
    CHECK_THAT(error_message(documents("{}", R"({"current_host": "algo-1"})")),
               Catch::Contains("resourceconfig.json") && Catch::Contains("'hosts'"));
    CHECK_THAT(error_message(documents("{}", R"({"hosts": ["algo-1"]})")),
               Catch::Contains("'current_host'"));
    CHECK_THAT(error_message(documents("{}", R"({"current_host": "a", "hosts": "a"})")),
               Catch::Contains("'hosts'") && Catch::Contains("list of strings"));
    CHECK_THAT(error_message(documents("{}", R"({"current_host": "a", "hosts": []})")),
               Catch::Contains("must not be empty"));
    CHECK_THAT(
        error_message(documents(R"({"sagemaker_container_log_level": "\"DEBUG\""})", kOneHost)),
        Catch::Contains("hyperparameters.json") &&
            Catch::Contains("sagemaker_container_log_level"));
    CHECK_THAT(
        error_message(documents("{}", kOneHost), {{"SAGEMAKER_CONTAINER_LOG_LEVEL", "loud"}}),
        Catch::Contains("SAGEMAKER_CONTAINER_LOG_LEVEL"));
    CHECK_THAT(error_message(documents(R"({"sagemaker_program": "5"})", kOneHost)),
               Catch::Contains("sagemaker_program") && Catch::Contains("int"));
    CHECK_THAT(error_message(documents("{}", R"({"current_host": "a", "hosts": ["a"],
                                                "instance_groups": [{"hosts": ["a"]}]})")),
               Catch::Contains("instance_group_name"));
}

TEST_CASE("resourceconfig.json hosts must be consistent: current_host listed, each host once") {
    CHECK_THAT(error_message(documents("{}", R"({"current_host": "", "hosts": ["algo-1"]})")),
               Catch::Contains("resourceconfig.json") && Catch::Contains("'current_host'") &&
                   Catch::Contains("must not be empty"));
    CHECK_THAT(error_message(documents("{}", R"({"current_host": "algo-9", "hosts": ["algo-1"]})")),
               Catch::Contains("resourceconfig.json") && Catch::Contains("'current_host'") &&
                   Catch::Contains("'algo-9'") && Catch::Contains("does not list"));
    CHECK_THAT(error_message(documents(
                   "{}", R"({"current_host": "algo-1", "hosts": ["algo-1", "algo-2", "algo-1"]})")),
               Catch::Contains("resourceconfig.json") && Catch::Contains("'hosts'") &&
                   Catch::Contains("'algo-1' twice"));
    CHECK_THAT(
        error_message(documents("{}", R"({"current_host": "algo-1", "hosts": ["algo-1", ""]})")),
        Catch::Contains("'hosts'") && Catch::Contains("empty host name"));
    CHECK_THAT(error_message(documents("{}", R"({"current_host": "a", "hosts": ["a"],
                 "instance_groups": [{"instance_group_name": "g", "hosts": ["a", "b"]}]})")),
               Catch::Contains("instance_groups[].hosts") && Catch::Contains("'g'") &&
                   Catch::Contains("'b'"));
}

TEST_CASE("the log level variable is validated but the hyperparameter decides") {
    auto env = build(documents("{}", kOneHost), {{"SAGEMAKER_CONTAINER_LOG_LEVEL", " 10 "}});
    CHECK(pyjson::dumps(env.log_level) == "20");
    auto configured = build(documents(R"({"sagemaker_container_log_level": "10"})", kOneHost));
    CHECK(pyjson::dumps(configured.log_level) == "10");
}

TEST_CASE("hyperparameter values decode when they are JSON") {
    auto decoded = config::decode_hyperparameters(
        pyjson::loads(R"({"a": "06", "b": " 6 ", "c": "null", "d": 5, "e": "[1, 2]"})").as_dict());
    CHECK(pyjson::dumps(decoded) == R"({"a":"06","b":6,"c":null,"d":5,"e":[1,2]})");
}
