#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "toolkit/app/command.hpp"

using namespace optml;

namespace {

app::CommandLine read(std::vector<std::string> arguments) {
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    return app::read_command_line("serve", "1.2.3", "test description",
                                  static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("a command line without arguments runs the command") {
    const app::CommandLine line = read({"serve"});
    CHECK_FALSE(line.exit_now.has_value());
    CHECK_FALSE(line.error.has_value());
}

TEST_CASE("arguments are a configuration error naming them, never their values") {
    const app::CommandLine line = read({"serve", "--port=secret-value", "extra"});
    REQUIRE(line.error.has_value());
    CHECK(line.error->kind() == errors::ErrorKind::Configuration);
    const std::string message = line.error->what();
    CHECK_THAT(message, Catch::Contains("serve takes no arguments"));
    CHECK_THAT(message, Catch::Contains("--port, extra"));
    CHECK_THAT(message, !Catch::Contains("secret"));
}

TEST_CASE("the one catch turns every exception into a verdict") {
    const auto configuration = app::run_caught([]() -> reporting::Verdict {
        throw errors::Error(errors::ErrorKind::Configuration, "bad setting");
    });
    CHECK(configuration.exit_code == 2);
    CHECK(app::one_line(*configuration.failure_reason) == "ConfigurationError: bad setting");
    const auto unexpected =
        app::run_caught([]() -> reporting::Verdict { throw std::runtime_error("boom"); });
    CHECK(unexpected.exit_code != 0);
    CHECK_THAT(*unexpected.failure_reason, Catch::Contains("boom"));
    CHECK(app::run_caught([] { return reporting::success(); }).succeeded());
}

TEST_CASE("a failure text is one log line") {
    CHECK(app::one_line("AlgorithmError:\nExitCode 1\nboom") ==
          "AlgorithmError: ExitCode 1 | boom");
    CHECK(app::one_line("no class") == "no class");
}
