#include <catch2/catch.hpp>

#include "toolkit/process/memory_cgroup.hpp"

using optml::process::memory_cgroup_files;
using Paths = std::vector<std::filesystem::path>;

namespace {

constexpr optml::process::MemoryCgroupFileNames limit_files{.v2 = "memory.max",
                                                            .v1 = "memory.limit_in_bytes"};

}  // namespace

TEST_CASE(
    "a v2 cgroup's file is looked for in its folder, the hybrid mount and the namespace root") {
    CHECK(memory_cgroup_files("0::/kubepods/pod1/c1\n", "/cg", limit_files) ==
          Paths{"/cg/kubepods/pod1/c1/memory.max", "/cg/unified/kubepods/pod1/c1/memory.max",
                "/cg/memory.max"});
    // "/" is the namespace root already: no second look at the same file.
    CHECK(memory_cgroup_files("0::/\n", "/cg", limit_files) ==
          Paths{"/cg/memory.max", "/cg/unified/memory.max"});
}

TEST_CASE("a v1 memory controller is found alone or in a controller list") {
    const Paths docker{"/cg/memory/docker/abc/memory.limit_in_bytes",
                       "/cg/memory/memory.limit_in_bytes"};
    CHECK(memory_cgroup_files("5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n", "/cg",
                              limit_files) == docker);
    CHECK(memory_cgroup_files("4:blkio,memory:/docker/abc", "/cg", limit_files) == docker);
    CHECK(memory_cgroup_files("4:memory,hugetlb:/docker/abc", "/cg", limit_files) == docker);
    CHECK(memory_cgroup_files("4:cpu,memory,pids:/docker/abc", "/cg", limit_files) == docker);
    CHECK(memory_cgroup_files("4:memory:/\n", "/cg", limit_files) ==
          Paths{"/cg/memory/memory.limit_in_bytes"});
}

TEST_CASE("lines of other controllers or no cgroup shape give no file") {
    CHECK(memory_cgroup_files("3:memoryless:/x\n2:pids:/x\n", "/cg", limit_files).empty());
    CHECK(memory_cgroup_files("garbage\n", "/cg", limit_files).empty());
    CHECK(memory_cgroup_files("", "/cg", limit_files).empty());
}
