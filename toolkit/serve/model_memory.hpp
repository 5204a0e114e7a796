#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

// How much memory the models of a multi-model endpoint use, and how much they may use.
namespace optml::serve {

// A process's proportional set size in bytes: its private pages plus its share of pages it
// shares (a forked worker and its loader split the model's pages, so summing PSS over a
// model's processes counts them once). From /proc/<pid>/smaps_rollup, else summed over
// /proc/<pid>/smaps; nullopt when the process is gone or neither can be read.
std::optional<std::uint64_t> process_pss_bytes(pid_t pid,
                                               const std::filesystem::path& proc = "/proc");

// The "Pss:" total of an smaps_rollup text, or the sum of every "Pss:" line of an smaps
// text, in bytes. nullopt when there is none.
std::optional<std::uint64_t> parse_pss_bytes(std::string_view smaps_text);

// The memory this container may use: the memory cgroup's limit (v2 memory.max, v1
// memory.limit_in_bytes) of this process, found through /proc/self/cgroup under
// `cgroup_root`, when it is set and below the machine's; else MemTotal of /proc/meminfo.
// nullopt when none of them can be read.
std::optional<std::uint64_t> container_memory_limit_bytes(
    const std::filesystem::path& proc = "/proc",
    const std::filesystem::path& cgroup_root = "/sys/fs/cgroup");

// The budget in bytes for the models together: `configured_mb` MiB when set (0: none),
// else `share` of the container's limit. nullopt: no budget.
std::optional<std::uint64_t> model_memory_budget_bytes(std::optional<std::uint64_t> configured_mb,
                                                       double share,
                                                       std::optional<std::uint64_t> limit_bytes);

}  // namespace optml::serve
