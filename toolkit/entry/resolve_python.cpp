#include "toolkit/config/settings.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/system/executable_search.hpp"

namespace optml::entry {

std::filesystem::path resolve_python(const system::EnvironmentSnapshot& environment) {
    const std::string path = environment.get_or("PATH", "");
    if (auto configured = config::setting_text(config::setting_row("OPTML_PYTHON"), environment);
        configured && !configured->empty()) {
        if (auto found = system::find_executable(*configured, path)) return *found;
        throw errors::Error(errors::ErrorKind::EntryPoint,
                            "OPTML_PYTHON names '" + *configured +
                                "', which is not an executable file or a program on PATH.");
    }
    for (const char* candidate : {"python3", "python"}) {
        if (auto found = system::find_executable(candidate, path)) return *found;
    }
    throw errors::Error(errors::ErrorKind::EntryPoint,
                        "No Python interpreter found: neither python3 nor python is on PATH; "
                        "install one or set OPTML_PYTHON to its path.");
}

}  // namespace optml::entry
