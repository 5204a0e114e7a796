#include "toolkit/app/command.hpp"

#include <CLI/CLI.hpp>

namespace optml::app {

namespace {

// What an argument is called, without a value given as --name=value (it may be a secret).
std::string argument_name(const std::string& argument) {
    return argument.substr(0, argument.find('='));
}

}  // namespace

CommandLine read_command_line(std::string_view command, std::string_view version,
                              const char* description, int argc, char** argv) {
    const std::string name(command);
    CLI::App cli(description, name);
    cli.set_version_flag("--version", "optml " + name + " " + std::string(version));
    cli.allow_extras();
    CommandLine result;
    try {
        cli.parse(argc, argv);
    } catch (const CLI::Success& help_or_version) {
        result.exit_now = cli.exit(help_or_version);
        return result;
    } catch (const CLI::ParseError& parse_error) {
        result.error = errors::Error(errors::ErrorKind::Configuration,
                                     name + "'s command line is not valid: " + parse_error.what() +
                                         " (SageMaker runs " + name + " with no arguments, see " +
                                         name + " --help).");
        return result;
    }
    if (cli.remaining().empty()) return result;
    std::string names;
    for (const std::string& argument : cli.remaining()) {
        names += (names.empty() ? "" : ", ") + argument_name(argument);
    }
    result.error = errors::Error(errors::ErrorKind::Configuration,
                                 name + " takes no arguments (SageMaker runs it with none, see " +
                                     name + " --help), but was given: " + names + ".");
    return result;
}

reporting::Verdict run_caught(const std::function<reporting::Verdict()>& body) {
    try {
        return body();
    } catch (const errors::Error& error) {
        return reporting::verdict_for_error(error);
    } catch (const std::exception& unexpected) {
        return reporting::verdict_for_error(
            errors::Error(errors::ErrorKind::Internal,
                          std::string("optml hit an unexpected error: ") + unexpected.what()));
    }
}

std::string one_line(const std::string& failure_reason) {
    std::string line;
    const std::size_t class_end = failure_reason.find(":\n");
    std::size_t start = 0;
    if (class_end != std::string::npos) {
        line = failure_reason.substr(0, class_end) + ": ";
        start = class_end + 2;
    }
    for (std::size_t i = start; i < failure_reason.size(); ++i) {
        if (failure_reason[i] == '\n') {
            line += " | ";
        } else {
            line += failure_reason[i];
        }
    }
    return line;
}

}  // namespace optml::app
