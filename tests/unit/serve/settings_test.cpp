#include <catch2/catch.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/serve/settings.hpp"

using namespace optml;
using optml::serve::read_serve_settings;

namespace {

system::EnvironmentSnapshot env(system::EnvironmentSnapshot::Variables variables) {
    return system::EnvironmentSnapshot(std::move(variables));
}

std::string error_of(system::EnvironmentSnapshot::Variables variables) {
    try {
        read_serve_settings(env(std::move(variables)), 2);
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        return error.what();
    }
    return "";
}

}  // namespace

TEST_CASE("defaults follow the reference") {
    const auto settings = read_serve_settings(env({}), 3);
    CHECK(settings.port == 8080);
    CHECK(settings.bind_address == "0.0.0.0");
    CHECK(settings.workers == 3);
    CHECK(settings.model_server_timeout == std::chrono::seconds(60));
    CHECK(settings.max_payload_mb == 6);
    // Reported as the reference does, but bodies up to batch transform's 100 MB are taken.
    CHECK(settings.max_body_bytes() == 100U * 1024 * 1024);
    CHECK(settings.max_concurrent_transforms == 3);
    CHECK(settings.batch_strategy == "MULTI_RECORD");
    CHECK(settings.default_accept == "application/json");
    CHECK(settings.program == "inference.py");
    CHECK_FALSE(settings.preload.has_value());
    CHECK_FALSE(settings.multi_model);
    CHECK_FALSE(settings.model_memory_mb.has_value());
    CHECK(settings.drain_timeout < std::chrono::seconds(30));
}

TEST_CASE("every variable is read") {
    const auto settings =
        read_serve_settings(env({{"SAGEMAKER_BIND_TO_PORT", "9090"},
                                 {"SAGEMAKER_MODEL_SERVER_WORKERS", "4"},
                                 {"SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS", "7"},
                                 {"SAGEMAKER_STARTUP_TIMEOUT", "30"},
                                 {"SAGEMAKER_MAX_PAYLOAD_IN_MB", "0"},
                                 {"SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", "8"},
                                 {"SAGEMAKER_BATCH_STRATEGY", "single_record"},
                                 {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "text/csv"},
                                 {"SAGEMAKER_PROGRAM", "serve_me.py"},
                                 {"OPTML_SERVE_PRELOAD", "False"},
                                 {"OPTML_SERVE_QUEUE_SIZE", "5"},
                                 {"OPTML_SERVE_DRAIN_TIMEOUT", "10"}}),
                            2);
    CHECK(settings.port == 9090);
    CHECK(settings.workers == 4);
    CHECK(settings.model_server_timeout == std::chrono::seconds(7));
    CHECK(settings.startup_timeout == std::chrono::seconds(30));
    CHECK_FALSE(settings.max_body_bytes().has_value());
    CHECK(settings.max_concurrent_transforms == 8);
    CHECK(settings.batch_strategy == "SINGLE_RECORD");
    CHECK(settings.default_accept == "text/csv");
    CHECK(settings.program == "serve_me.py");
    CHECK(settings.preload == false);
    CHECK(settings.queue_size == 5);
    CHECK(settings.drain_timeout == std::chrono::seconds(10));
}

TEST_CASE("SAGEMAKER_MODEL_SERVER_TIMEOUT wins over its _SECONDS spelling") {
    const auto settings =
        read_serve_settings(env({{"SAGEMAKER_MODEL_SERVER_TIMEOUT", "5"},
                                 {"SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS", "9"}}),
                            1);
    CHECK(settings.model_server_timeout == std::chrono::seconds(5));
}

TEST_CASE("a bad value names the variable, never the value") {
    const std::string message = error_of({{"SAGEMAKER_BIND_TO_PORT", "secret-70000"}});
    CHECK(message.find("SAGEMAKER_BIND_TO_PORT") != std::string::npos);
    CHECK(message.find("secret") == std::string::npos);
    CHECK(error_of({{"SAGEMAKER_BIND_TO_PORT", "70000"}}).find("SAGEMAKER_BIND_TO_PORT") !=
          std::string::npos);
    CHECK(error_of({{"SAGEMAKER_MODEL_SERVER_WORKERS", "0"}}).find("WORKERS") != std::string::npos);
    CHECK(error_of({{"SAGEMAKER_BATCH_STRATEGY", "ALL"}}).find("BATCH_STRATEGY") !=
          std::string::npos);
    CHECK(error_of({{"OPTML_SERVE_PRELOAD", "maybe"}}).find("OPTML_SERVE_PRELOAD") !=
          std::string::npos);
    CHECK(error_of({{"OPTML_SERVE_DRAIN_TIMEOUT", "30"}}).find("from 0 to 29") !=
          std::string::npos);
    CHECK(error_of({{"SAGEMAKER_MODEL_SERVER_TIMEOUT", "0"}}).find("MODEL_SERVER_TIMEOUT") !=
          std::string::npos);
    CHECK(error_of({{"SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS", "x"}}).find("_SECONDS") !=
          std::string::npos);
    CHECK(error_of({{"SAGEMAKER_MODEL_SERVER_WORKERS", "1025"}}).find("from 1 to 1024") !=
          std::string::npos);
    CHECK(error_of({{"SAGEMAKER_MAX_PAYLOAD_IN_MB", "-1"}}).find("MAX_PAYLOAD") !=
          std::string::npos);
}

TEST_CASE("a payload limit that is set is both the limit and what is reported") {
    const auto settings = read_serve_settings(env({{"SAGEMAKER_MAX_PAYLOAD_IN_MB", "20"}}), 1);
    CHECK(settings.max_payload_mb == 20);
    CHECK(settings.max_body_bytes() == 20U * 1024 * 1024);
}

TEST_CASE("an empty value counts as unset") {
    const auto settings = read_serve_settings(env({{"SAGEMAKER_BIND_TO_PORT", ""},
                                                   {"SAGEMAKER_PROGRAM", "  "},
                                                   {"SAGEMAKER_MAX_PAYLOAD_IN_MB", ""},
                                                   {"OPTML_SERVE_PRELOAD", ""}}),
                                              2);
    CHECK(settings.port == 8080);
    CHECK(settings.program == "inference.py");
    CHECK_FALSE(settings.max_payload_set);
    CHECK_FALSE(settings.preload.has_value());
}

TEST_CASE("the defaults are the serving table's") {
    const auto settings = read_serve_settings(env({}), 2);
    CHECK(settings.startup_timeout == std::chrono::seconds(600));
    CHECK(settings.queue_size == 100);
    CHECK(settings.drain_timeout == std::chrono::seconds(20));
    CHECK(settings.base_dir == "/opt/ml");
    CHECK(settings.python == "python3");
    CHECK_FALSE(settings.submit_directory.has_value());
    CHECK_FALSE(settings.python_package_dir.has_value());
}

TEST_CASE("multi-model settings") {
    const auto settings = read_serve_settings(
        env({{"SAGEMAKER_MULTI_MODEL", "true"}, {"OPTML_SERVE_MODEL_MEMORY_MB", "512"}}), 4);
    CHECK(settings.multi_model);
    CHECK(settings.model_memory_mb == 512U);
    CHECK(settings.workers == 1);  // per model, as the reference's default_workers_per_model
    CHECK(read_serve_settings(env({{"OPTML_SERVE_MODEL_MEMORY_MB", "0"}}), 1).model_memory_mb ==
          0U);
    CHECK(error_of({{"SAGEMAKER_MULTI_MODEL", "sometimes"}}).find("SAGEMAKER_MULTI_MODEL") !=
          std::string::npos);
    CHECK(error_of({{"OPTML_SERVE_MODEL_MEMORY_MB", "-1"}}).find("OPTML_SERVE_MODEL_MEMORY_MB") !=
          std::string::npos);
}
