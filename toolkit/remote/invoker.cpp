#include "toolkit/remote/invoker.hpp"

#include <fstream>
#include <sstream>

#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"
#include "toolkit/system/own_executable.hpp"

namespace optml::remote {

namespace fs = std::filesystem;

process::Command invoker_command(const InvokerLaunch& launch) {
    process::Command command;
    std::vector<std::string> python_words = {launch.python.string()};
    if (launch.conda && launch.conda_env) {
        python_words = {launch.conda->string(), "run", "-n", *launch.conda_env, "python"};
    }
    command.executable = python_words.front();
    command.argv = python_words;
    command.argv.insert(command.argv.end(), {"-m", "optml_toolkit.remote.invoke"});
    command.env = launch.environment;
    std::string python_path;
    for (std::string& entry : command.env) {
        if (entry.starts_with("PYTHONPATH=")) python_path = entry.substr(11);
    }
    std::erase_if(command.env, [](const std::string& entry) {
        return entry.starts_with("PYTHONPATH=") || entry.starts_with("OPTML_REMOTE_");
    });
    if (launch.package_dir) {
        python_path = launch.package_dir->string() + (python_path.empty() ? "" : ":" + python_path);
    }
    if (!python_path.empty()) command.env.push_back("PYTHONPATH=" + python_path);
    command.env.push_back("OPTML_REMOTE_HANDOFF=" + launch.handoff.string());
    command.env.push_back("OPTML_REMOTE_FUNCTION_URI=" + launch.function_uri);
    command.env.push_back("OPTML_REMOTE_ARGUMENTS_URI=" + launch.arguments_uri);
    if (launch.serialize_output_to_json) command.env.push_back("OPTML_REMOTE_OUTPUT_JSON=1");
    command.cwd = launch.workspace;
    return command;
}

namespace {

std::optional<InvokerReport> read_report_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    pyjson::Value document;
    try {
        document = pyjson::loads(text.str());
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (!document.is_dict()) return std::nullopt;
    const pyjson::Dict& fields = document.as_dict();
    InvokerReport report;
    if (const auto* raised = fields.find("raised"); raised && raised->is_bool())
        report.end.raised = raised->as_bool();
    if (const auto* failure = fields.find("failure"); failure && failure->is_str())
        report.end.failure_text = failure->as_str();
    if (const auto* number = fields.find("errno"); number && number->fits_int64())
        report.end.error_number = number->as_int64();
    if (const auto* version = fields.find("python_version"); version && version->is_str())
        report.python_version = version->as_str();
    return report;
}

}  // namespace

std::optional<InvokerReport> read_invoker_report(const fs::path& handoff) {
    // A failed rank outweighs rank 0's result.
    if (auto failure = read_report_file(handoff / "exception-outcome.json")) return failure;
    return read_report_file(handoff / "outcome.json");
}

std::optional<fs::path> find_package_dir() {
    std::error_code error;
    const fs::path train = system::own_executable(error);
    if (error) return std::nullopt;
    const fs::path candidate = train.parent_path().parent_path() / "python";
    if (fs::exists(candidate / "optml_toolkit" / "remote" / "invoke.py", error))
        return candidate.lexically_normal();
    return std::nullopt;
}

}  // namespace optml::remote
