#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace optml::process {

// How many processes the kernel's OOM killer has killed in train's memory cgroup so far:
// "oom_kill" of memory.events (cgroup v2) or memory.oom_control (v1). nullopt when the
// kernel does not tell. A SIGKILL is reported as OutOfMemory only when this number rose.
std::optional<long long> read_oom_kill_count();

// Where the counter may be, most specific first, from /proc/self/cgroup's text.
std::vector<std::filesystem::path> oom_counter_files(std::string_view proc_self_cgroup,
                                                     const std::filesystem::path& cgroup_root);

// The number after "oom_kill " in a memory.events / memory.oom_control text.
std::optional<long long> parse_oom_kill(std::string_view counter_text);

}  // namespace optml::process
