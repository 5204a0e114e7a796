#include <catch2/catch.hpp>

#include "toolkit/config/settings.hpp"
#include "toolkit/errors/error.hpp"

using namespace optml;

namespace {

config::Settings settings_of(system::EnvironmentSnapshot::Variables variables) {
    return config::read_settings(system::EnvironmentSnapshot(std::move(variables)));
}

}  // namespace

TEST_CASE("runner commands and the parameter-server flavour default to the common images") {
    const config::Settings settings = settings_of({});
    CHECK(settings.torchrun == "torchrun");
    CHECK(settings.parameter_server_command.empty());
    CHECK(settings.parameter_server_flavour == "mxnet");
}

TEST_CASE("runner commands and the parameter-server flavour come from the environment") {
    const config::Settings settings =
        settings_of({{"OPTML_TORCHRUN", "python3 -m torch.distributed.run"},
                     {"OPTML_PARAMETER_SERVER", "tensorflow"},
                     {"OPTML_PARAMETER_SERVER_COMMAND", "ps"}});
    CHECK(settings.torchrun == "python3 -m torch.distributed.run");
    CHECK(settings.parameter_server_flavour == "tensorflow");
    CHECK(settings.parameter_server_command == "ps");
}

TEST_CASE("an unknown parameter-server flavour is a configuration error naming the variable") {
    try {
        settings_of({{"OPTML_PARAMETER_SERVER", "horovod"}});
        FAIL("no error");
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        CHECK(std::string(error.what()).find("OPTML_PARAMETER_SERVER") != std::string::npos);
    }
}

TEST_CASE("each default comes from the settings table") {
    const config::Settings settings = settings_of({});
    CHECK(settings.stop_timeout == std::chrono::seconds(100));
    CHECK(settings.mpi_status_port == 7799);
    const system::EnvironmentSnapshot empty;
    CHECK(config::setting_seconds("OPTML_INTERMEDIATE_FLUSH_TIMEOUT", empty) ==
          std::chrono::seconds(600));
    CHECK(config::setting_text(config::setting_row("SAGEMAKER_BASE_DIR"), empty) == "/opt/ml");
    CHECK_FALSE(config::setting_text(config::setting_row("OPTML_PYTHON"), empty).has_value());
}

TEST_CASE(
    "a bad value of any setting is a configuration error naming the variable, not the value") {
    const std::pair<const char*, const char*> bad_values[] = {
        {"OPTML_INTERMEDIATE_FLUSH_TIMEOUT", "soon-secret"},
        {"OPTML_S3_ADDRESSING_STYLE", "sideways-secret"},
        {"OPTML_MPI_STATUS_PORT", "70000"},
        {"OPTML_STOP_TIMEOUT", "-1"},
    };
    for (const auto& [name, value] : bad_values) {
        try {
            settings_of({{name, value}});
            FAIL("no error for " << name);
        } catch (const errors::Error& error) {
            CHECK(error.kind() == errors::ErrorKind::Configuration);
            CHECK_THAT(error.what(), Catch::Contains(name));
            CHECK_THAT(error.what(), !Catch::Contains("secret"));
        }
    }
}

TEST_CASE("setting_row names only the table's variables") {
    CHECK(config::setting_row("OPTML_TORCHRUN").default_value == "torchrun");
    CHECK_THROWS_AS(config::setting_row("OPTML_NOT_A_SETTING"), errors::Error);
}

TEST_CASE("an empty value counts as unset") {
    const config::Settings settings =
        settings_of({{"OPTML_STOP_TIMEOUT", ""}, {"OPTML_MPI_STATUS_PORT", " "}});
    CHECK(settings.stop_timeout == std::chrono::seconds(100));
    CHECK(settings.mpi_status_port == 7799);
}

TEST_CASE("serving rules: counts, flags, megabytes, seconds with a maximum, choices in any case") {
    using config::serving_setting_row;
    const auto number = [](const char* name, const char* value) {
        return config::setting_number(
            serving_setting_row(name),
            system::EnvironmentSnapshot(system::EnvironmentSnapshot::Variables{{name, value}}));
    };
    const auto flag = [](const char* name, const char* value) {
        return config::setting_flag(
            serving_setting_row(name),
            system::EnvironmentSnapshot(system::EnvironmentSnapshot::Variables{{name, value}}));
    };
    CHECK(number("SAGEMAKER_MODEL_SERVER_WORKERS", "1_0") == 10);  // Python's int() syntax
    CHECK_THROWS_AS(number("SAGEMAKER_MODEL_SERVER_WORKERS", "0"), errors::Error);
    CHECK(number("SAGEMAKER_MAX_PAYLOAD_IN_MB", "0") == 0);
    CHECK_THROWS_AS(number("SAGEMAKER_MAX_PAYLOAD_IN_MB", "-1"), errors::Error);
    CHECK(number("OPTML_SERVE_DRAIN_TIMEOUT", "29") == 29);
    CHECK_THROWS_AS(number("OPTML_SERVE_DRAIN_TIMEOUT", "30"), errors::Error);
    CHECK_THROWS_AS(number("SAGEMAKER_STARTUP_TIMEOUT", "0"), errors::Error);
    CHECK(flag("OPTML_SERVE_PRELOAD", "YES") == true);
    CHECK(flag("OPTML_SERVE_PRELOAD", "0") == false);
    CHECK_THROWS_AS(flag("OPTML_SERVE_PRELOAD", "perhaps"), errors::Error);
    CHECK(config::setting_text(serving_setting_row("SAGEMAKER_BATCH_STRATEGY"),
                               system::EnvironmentSnapshot(system::EnvironmentSnapshot::Variables{
                                   {"SAGEMAKER_BATCH_STRATEGY", "single_record"}})) ==
          "SINGLE_RECORD");
    // Choices are exact where the row says so.
    CHECK_THROWS_AS(settings_of({{"OPTML_PARAMETER_SERVER", "MXNET"}}), errors::Error);
    CHECK_THROWS_AS(serving_setting_row("OPTML_STOP_TIMEOUT"), errors::Error);
}

TEST_CASE("the XGBoost runner's ports and join timeout have defaults and can be set") {
    const config::Settings defaults = settings_of({});
    CHECK(defaults.xgboost_join_timeout == std::chrono::seconds(300));
    CHECK(defaults.xgboost_status_port == 7798);
    CHECK(defaults.xgboost_tracker_port == 9091);
    const config::Settings set = settings_of({{"OPTML_XGBOOST_JOIN_TIMEOUT", "5"},
                                              {"OPTML_XGBOOST_STATUS_PORT", "7000"},
                                              {"OPTML_XGBOOST_TRACKER_PORT", "9100"}});
    CHECK(set.xgboost_join_timeout == std::chrono::seconds(5));
    CHECK(set.xgboost_status_port == 7000);
    CHECK(set.xgboost_tracker_port == 9100);
}
