#include <catch2/catch.hpp>

#include "toolkit/process/oom_counter.hpp"

using namespace optml::process;

TEST_CASE("the oom_kill counter is parsed from memory.events and memory.oom_control") {
    CHECK(parse_oom_kill("low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n") == 2);
    CHECK(parse_oom_kill("oom_kill_disable 0\nunder_oom 0\noom_kill 7\n") == 7);
    CHECK_FALSE(parse_oom_kill("oom_kill_disable 0\nunder_oom 0\n"));
    CHECK_FALSE(parse_oom_kill(""));
}

TEST_CASE("the counter files follow /proc/self/cgroup for v1 and v2") {
    CHECK(
        oom_counter_files("0::/system.slice/job\n", "/sys/fs/cgroup") ==
        std::vector<std::filesystem::path>{"/sys/fs/cgroup/system.slice/job/memory.events",
                                           "/sys/fs/cgroup/unified/system.slice/job/memory.events",
                                           "/sys/fs/cgroup/memory.events"});
    CHECK(oom_counter_files("4:memory:/docker/abc\n1:cpu:/\n", "/sys/fs/cgroup") ==
          std::vector<std::filesystem::path>{"/sys/fs/cgroup/memory/docker/abc/memory.oom_control",
                                             "/sys/fs/cgroup/memory/memory.oom_control"});
    CHECK(oom_counter_files("garbage", "/sys/fs/cgroup").empty());
}
