#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "toolkit/errors/error.hpp"
#include "toolkit/reporting/verdict.hpp"

// What every command (train, serve) does the same way around its own work.
namespace optml::app {

// How a command line that should hold no arguments (SageMaker runs train and serve with
// none) was read: --help and --version are answered at once (`exit_now`), anything else is a
// ConfigurationError naming the arguments, never a value given as --name=value.
struct CommandLine {
    std::optional<int> exit_now;
    std::optional<errors::Error> error;
};
CommandLine read_command_line(std::string_view command, std::string_view version,
                              const char* description, int argc, char** argv);

// The one catch: runs `body`, and an errors::Error or any other exception thrown by it
// becomes its verdict (reporting/ maps the kinds to exit codes).
reporting::Verdict run_caught(const std::function<reporting::Verdict()>& body);

// A failure text as one log line: its class name, then its lines joined by " | ".
std::string one_line(const std::string& failure_reason);

}  // namespace optml::app
