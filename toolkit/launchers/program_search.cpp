#include "toolkit/launchers/program_search.hpp"

#include "toolkit/system/executable_search.hpp"

namespace optml::launchers {

process::Command resolved_on_path(process::Command command) {
    std::string path;
    for (const std::string& entry : command.env) {
        if (entry.starts_with("PATH=")) path = entry.substr(5);
    }
    if (auto found = system::find_executable(command.executable, path)) {
        command.executable = found->string();
    }
    return command;
}

}  // namespace optml::launchers
