#include "toolkit/system/executable_search.hpp"

#include <unistd.h>

#include <string>

namespace optml::system {

namespace {

bool is_executable_file(const std::filesystem::path& candidate) {
    std::error_code ignored;
    return std::filesystem::is_regular_file(candidate, ignored) &&
           ::access(candidate.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::filesystem::path> find_executable(std::string_view name, std::string_view path) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string_view::npos) {
        std::filesystem::path candidate(name);
        if (is_executable_file(candidate)) return candidate;
        return std::nullopt;
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find(':', start);
        if (end == std::string_view::npos) end = path.size();
        // An empty PATH element means the current directory, as for execvp.
        std::string folder(path.substr(start, end - start));
        std::filesystem::path candidate =
            std::filesystem::path(folder.empty() ? "." : folder) / name;
        if (is_executable_file(candidate)) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

}  // namespace optml::system
