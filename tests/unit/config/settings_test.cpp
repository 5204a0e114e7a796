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
