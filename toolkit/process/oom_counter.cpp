#include "toolkit/process/oom_counter.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

#include "toolkit/process/memory_cgroup.hpp"

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
    return memory_cgroup_files(proc_self_cgroup, cgroup_root,
                               {.v2 = "memory.events", .v1 = "memory.oom_control"});
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
