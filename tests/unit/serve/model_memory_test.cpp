#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "toolkit/serve/model_memory.hpp"
#include "toolkit/system/temporary_path.hpp"

using namespace optml::serve;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;
constexpr std::uint64_t GiB = 1024 * MiB;

void write_file(const fs::path& file, std::string_view text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

// The lines of a Linux 6.x smaps_rollup: only "Pss:" is the process's PSS.
constexpr std::string_view rollup_text =
    "55d0c0a4b000-7ffd2b5f2000 ---p 00000000 00:00 0                          [rollup]\n"
    "Rss:               12344 kB\n"
    "Pss:                8000 kB\n"
    "Pss_Dirty:          4100 kB\n"
    "Pss_Anon:           5000 kB\n"
    "Pss_File:           3000 kB\n"
    "Pss_Shmem:           700 kB\n"
    "Shared_Clean:       6000 kB\n"
    "Swap:                 16 kB\n"
    "SwapPss:              12 kB\n"
    "Locked:                0 kB\n";

// Two mappings of an smaps file, as kernels before smaps_rollup (4.14) write them.
constexpr std::string_view smaps_text =
    "55d0c0a4b000-55d0c0a6c000 r--p 00000000 fd:01 1234    /usr/bin/python3.11\n"
    "Size:                132 kB\n"
    "Rss:                 128 kB\n"
    "Pss:                  64 kB\n"
    "SwapPss:               4 kB\n"
    "VmFlags: rd mr mw me sd\n"
    "7f0000000000-7f0000100000 rw-p 00000000 00:00 0\n"
    "Size:               1024 kB\n"
    "Rss:                1024 kB\n"
    "Pss:                1000 kB\n"
    "SwapPss:               0 kB\n"
    "VmFlags: rd wr mr mw me ac sd\n";

constexpr std::string_view meminfo_text =
    "MemTotal:       16318480 kB\n"
    "MemFree:         1024000 kB\n"
    "MemAvailable:    8000000 kB\n";
constexpr std::uint64_t mem_total = 16318480 * KiB;

// A fake /proc (its self/cgroup and meminfo) and cgroup mount in one temporary folder.
struct FakeMachine {
    optml::system::TemporaryDirectory folder{"optml-model-memory-"};
    fs::path proc = folder.path() / "proc";
    fs::path cgroup_root = folder.path() / "cgroup";

    FakeMachine(std::string_view self_cgroup, std::optional<std::string_view> meminfo) {
        write_file(proc / "self" / "cgroup", self_cgroup);
        if (meminfo) write_file(proc / "meminfo", *meminfo);
        fs::create_directories(cgroup_root);
    }
    std::optional<std::uint64_t> limit() const {
        return container_memory_limit_bytes(proc, cgroup_root);
    }
};

}  // namespace

TEST_CASE("the PSS is the Pss: line, never Pss_Anon, Pss_File, Pss_Shmem, Pss_Dirty or SwapPss") {
    CHECK(parse_pss_bytes(rollup_text) == 8000 * KiB);
    CHECK(parse_pss_bytes("Pss:\t4 kB") == 4 * KiB);
    CHECK(parse_pss_bytes("Pss_Anon: 5 kB\nPss_File: 3 kB\nPss_Shmem: 1 kB\nSwapPss: 2 kB\n") ==
          std::nullopt);
}

TEST_CASE("an smaps text's Pss: lines are summed") {
    CHECK(parse_pss_bytes(smaps_text) == 1064 * KiB);
}

TEST_CASE("a text without a Pss: line or with a malformed one has no PSS") {
    CHECK(parse_pss_bytes("") == std::nullopt);
    CHECK(parse_pss_bytes("Rss: 12 kB\n") == std::nullopt);
    CHECK(parse_pss_bytes("Pss: many kB\n") == std::nullopt);
}

TEST_CASE("a process's PSS comes from smaps_rollup, else from smaps") {
    optml::system::TemporaryDirectory proc("optml-fake-proc-");
    write_file(proc.path() / "41" / "smaps_rollup", rollup_text);
    write_file(proc.path() / "41" / "smaps", smaps_text);
    write_file(proc.path() / "42" / "smaps", smaps_text);
    fs::create_directories(proc.path() / "43");

    CHECK(process_pss_bytes(41, proc.path()) == 8000 * KiB);
    CHECK(process_pss_bytes(42, proc.path()) == 1064 * KiB);
    // A process whose memory files are gone (exited) or that never was.
    CHECK(process_pss_bytes(43, proc.path()) == std::nullopt);
    CHECK(process_pss_bytes(44, proc.path()) == std::nullopt);
}

TEST_CASE("this test's own PSS is read from the real /proc") {
    const auto pss = process_pss_bytes(getpid());
    REQUIRE(pss.has_value());
    // A C++ test program maps its libraries and Catch2: more than a few pages, less than a TiB.
    CHECK(*pss > 64 * KiB);
    CHECK(*pss < 1024 * GiB);
}

TEST_CASE("a cgroup v2 memory.max limits the container") {
    FakeMachine machine("0::/kubepods/pod1/c1\n", meminfo_text);
    write_file(machine.cgroup_root / "kubepods/pod1/c1/memory.max", "4294967296\n");
    CHECK(machine.limit() == 4 * GiB);
}

TEST_CASE("inside a cgroup namespace v2's limit is at the mount's root") {
    FakeMachine machine("0::/\n", meminfo_text);
    write_file(machine.cgroup_root / "memory.max", "2147483648\n");
    CHECK(machine.limit() == 2 * GiB);

    // A process moved into a child cgroup: the namespace root's limit bounds it too.
    FakeMachine child("0::/serve\n", meminfo_text);
    write_file(child.cgroup_root / "serve/memory.max", "max\n");
    write_file(child.cgroup_root / "memory.max", "3221225472\n");
    CHECK(child.limit() == 3 * GiB);
}

TEST_CASE("v2's \"max\" means the machine's memory") {
    FakeMachine machine("0::/user.slice\n", meminfo_text);
    write_file(machine.cgroup_root / "user.slice/memory.max", "max\n");
    CHECK(machine.limit() == mem_total);
}

TEST_CASE("a cgroup v1 memory.limit_in_bytes limits the container") {
    FakeMachine machine("12:pids:/docker/abc\n4:cpuset,memory:/docker/abc\n1:name=systemd:/\n",
                        meminfo_text);
    write_file(machine.cgroup_root / "memory/docker/abc/memory.limit_in_bytes", "1073741824\n");
    CHECK(machine.limit() == 1 * GiB);

    FakeMachine in_namespace("4:memory:/\n", meminfo_text);
    write_file(in_namespace.cgroup_root / "memory/memory.limit_in_bytes", "536870912\n");
    CHECK(in_namespace.limit() == 512 * MiB);
}

TEST_CASE("v1's huge number for no limit means the machine's memory") {
    FakeMachine machine("4:memory:/docker/abc\n", meminfo_text);
    write_file(machine.cgroup_root / "memory/docker/abc/memory.limit_in_bytes",
               "9223372036854771712\n");
    CHECK(machine.limit() == mem_total);
}

TEST_CASE("missing cgroup files leave the machine's memory") {
    FakeMachine machine("0::/gone\n", meminfo_text);
    CHECK(machine.limit() == mem_total);

    FakeMachine unreadable_membership("", meminfo_text);
    fs::remove(unreadable_membership.proc / "self" / "cgroup");
    CHECK(unreadable_membership.limit() == mem_total);
}

TEST_CASE("without meminfo the cgroup's limit alone is known, without both nothing") {
    FakeMachine limited("0::/c\n", std::nullopt);
    write_file(limited.cgroup_root / "c/memory.max", "1073741824\n");
    CHECK(limited.limit() == 1 * GiB);

    FakeMachine unlimited("0::/c\n", std::nullopt);
    write_file(unlimited.cgroup_root / "c/memory.max", "max\n");
    CHECK(unlimited.limit() == std::nullopt);
}

TEST_CASE("the real machine has a memory limit") {
    const auto limit = container_memory_limit_bytes();
    REQUIRE(limit.has_value());
    CHECK(*limit > 0);
}

TEST_CASE("the models' budget is the configured MiB, else a share of the limit") {
    CHECK(model_memory_budget_bytes(512, 0.7, 8 * GiB) == 512 * MiB);
    CHECK(model_memory_budget_bytes(512, 0.7, std::nullopt) == 512 * MiB);
    CHECK(model_memory_budget_bytes(0, 0.7, 8 * GiB) == std::nullopt);
    CHECK(model_memory_budget_bytes(std::nullopt, 0.5, 8 * GiB) == 4 * GiB);
    CHECK(model_memory_budget_bytes(std::nullopt, 0.7, 10 * GiB) ==
          static_cast<std::uint64_t>(0.7 * static_cast<double>(10 * GiB)));
    CHECK(model_memory_budget_bytes(std::nullopt, 0.7, std::nullopt) == std::nullopt);
}
