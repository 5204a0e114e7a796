#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "toolkit/process/command.hpp"
#include "toolkit/reporting/verdict.hpp"

// The Python side of a remote-function job (python/src/optml_toolkit/remote/invoke.py):
// train hands it verified payload files in a private folder and reads back what it left
// there. The folder is the whole protocol:
//   in:  function.pkl, arguments.pkl (checked by train), serialize_output_to_json
//   out: output.pkl (the result), output.json (the JSON result when asked), then
//        outcome.json; or exception.pkl then exception-outcome.json (the first failing rank):
//        {"raised", "failure", "errno", "python_version"}.
namespace optml::remote {

struct InvokerLaunch {
    std::filesystem::path python;
    std::optional<std::filesystem::path> conda;  // run through `<conda> run -n <env>`
    std::optional<std::string> conda_env;
    std::filesystem::path handoff;
    std::filesystem::path workspace;                   // cwd, and so first on sys.path (python -m)
    std::optional<std::filesystem::path> package_dir;  // put on PYTHONPATH when not installed
    std::vector<std::string> environment;              // NAME=value, sm_training.env included
    std::string function_uri;                          // for the SDK's messages
    std::string arguments_uri;
    bool serialize_output_to_json = false;
};

process::Command invoker_command(const InvokerLaunch& launch);

struct InvokerReport {
    reporting::RemoteFunctionEnd end;
    std::string python_version;  // "3.11.2"
};

// outcome.json's content; nullopt when the invoker left none (killed, crashed) or an
// unreadable one.
std::optional<InvokerReport> read_invoker_report(const std::filesystem::path& handoff);

// <dir of train>/../python when it holds optml_toolkit/remote/invoke.py (the build tree);
// nullopt when the package must be installed.
std::optional<std::filesystem::path> find_package_dir();

}  // namespace optml::remote
