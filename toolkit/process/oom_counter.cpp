#include "toolkit/process/oom_counter.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace optml::process {

namespace {

std::optional<std::string> read_text(const std::filesystem::path& file) {
    std::ifstream stream(file);
    if (!stream) return std::nullopt;
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

}  // namespace

std::vector<std::filesystem::path> oom_counter_files(std::string_view proc_self_cgroup,
                                                     const std::filesystem::path& cgroup_root) {
    // Lines read "id:controllers:path"; v2 is "0::path", v1 memory is "N:memory:path".
    std::vector<std::filesystem::path> files;
    std::size_t start = 0;
    while (start < proc_self_cgroup.size()) {
        std::size_t end = proc_self_cgroup.find('\n', start);
        if (end == std::string_view::npos) end = proc_self_cgroup.size();
        std::string_view line = proc_self_cgroup.substr(start, end - start);
        start = end + 1;
        std::size_t first = line.find(':');
        std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) continue;
        std::string_view controllers = line.substr(first + 1, second - first - 1);
        std::string path(line.substr(second + 1));
        std::filesystem::path relative = std::filesystem::path(path).relative_path();
        if (controllers.empty()) {
            files.push_back(cgroup_root / relative / "memory.events");
            files.push_back(cgroup_root / "unified" / relative / "memory.events");
        } else if (controllers == "memory" || controllers.find("memory,") == 0 ||
                   controllers.find(",memory") != std::string_view::npos) {
            files.push_back(cgroup_root / "memory" / relative / "memory.oom_control");
            // Inside a cgroup namespace the mount's root is train's own cgroup.
            files.push_back(cgroup_root / "memory" / "memory.oom_control");
        }
    }
    return files;
}

std::optional<long long> parse_oom_kill(std::string_view counter_text) {
    constexpr std::string_view key = "oom_kill ";
    std::size_t at = 0;
    while ((at = counter_text.find(key, at)) != std::string_view::npos) {
        if (at == 0 || counter_text[at - 1] == '\n') {
            long long count = 0;
            const char* first = counter_text.data() + at + key.size();
            auto [end, error] =
                std::from_chars(first, counter_text.data() + counter_text.size(), count);
            if (error == std::errc()) return count;
            return std::nullopt;
        }
        at += key.size();
    }
    return std::nullopt;
}

std::optional<long long> read_oom_kill_count() {
    auto membership = read_text("/proc/self/cgroup");
    if (!membership) return std::nullopt;
    for (const auto& file : oom_counter_files(*membership, "/sys/fs/cgroup")) {
        if (auto text = read_text(file)) {
            if (auto count = parse_oom_kill(*text)) return count;
        }
    }
    return std::nullopt;
}

}  // namespace optml::process
