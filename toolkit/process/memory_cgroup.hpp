#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace optml::process {

// A memory controller file's name in each cgroup version (memory.events / memory.oom_control,
// memory.max / memory.limit_in_bytes).
struct MemoryCgroupFileNames {
    std::string_view v2;
    std::string_view v1;
};

// Where this process's memory cgroup keeps the file `names`, most specific first, from
// /proc/self/cgroup's text: v2 ("0::path") under `cgroup_root` and under its "unified" mount on
// hybrid hosts, v1 ("N:memory:path", or a controller list naming memory) under
// `cgroup_root`/memory. Each also at the mount's root: inside a cgroup namespace the path is
// relative to the namespace, whose root is the mount's root.
std::vector<std::filesystem::path> memory_cgroup_files(std::string_view proc_self_cgroup,
                                                       const std::filesystem::path& cgroup_root,
                                                       MemoryCgroupFileNames names);

}  // namespace optml::process
