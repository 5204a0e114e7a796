#include "toolkit/process/memory_cgroup.hpp"

#include <string>

namespace optml::process {

namespace {

bool names_memory_controller(std::string_view controllers) {
    return controllers == "memory" || controllers.starts_with("memory,") ||
           controllers.find(",memory,") != std::string_view::npos ||
           controllers.ends_with(",memory");
}

}  // namespace

std::vector<std::filesystem::path> memory_cgroup_files(std::string_view proc_self_cgroup,
                                                       const std::filesystem::path& cgroup_root,
                                                       MemoryCgroupFileNames names) {
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
        std::filesystem::path relative =
            std::filesystem::path(std::string(line.substr(second + 1))).relative_path();
        // A namespace's root is the mount's root; "/" is already there.
        bool in_namespace_too = !relative.empty();
        if (controllers.empty()) {
            files.push_back(cgroup_root / relative / names.v2);
            files.push_back(cgroup_root / "unified" / relative / names.v2);
            if (in_namespace_too) files.push_back(cgroup_root / names.v2);
        } else if (names_memory_controller(controllers)) {
            files.push_back(cgroup_root / "memory" / relative / names.v1);
            if (in_namespace_too) files.push_back(cgroup_root / "memory" / names.v1);
        }
    }
    return files;
}

}  // namespace optml::process
