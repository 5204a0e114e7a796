#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "toolkit/process/exec_limits.hpp"

using namespace optml;

TEST_CASE("exec limits follow the kernel's rule for the stack limit") {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    CHECK(process::exec_limits_for_stack(8ull << 20).max_string_bytes == 32 * page);
    CHECK(process::exec_limits_for_stack(8ull << 20).max_total_bytes == 2u << 20);
    CHECK(process::exec_limits_for_stack(64ull << 20).max_total_bytes == 6u << 20);
    CHECK(process::exec_limits_for_stack(RLIM_INFINITY).max_total_bytes == 6u << 20);
    CHECK(process::exec_limits_for_stack(64ull << 10).max_total_bytes == 128u << 10);
}

TEST_CASE("a command that fits has no problem; one string over the limit is named by position") {
    const process::ExecLimits limits = process::exec_limits_for_stack(8ull << 20);
    process::Command command{"/bin/true", {"/bin/true", "--x", "1"}, {"A=1"}, {}, false};
    CHECK_FALSE(process::exec_size_problem(command, limits));
    command.argv.push_back(std::string(limits.max_string_bytes - 1, 'x'));  // NUL makes it fit
    CHECK_FALSE(process::exec_size_problem(command, limits));
    command.argv.back().push_back('x');
    auto problem = process::exec_size_problem(
        command, limits, [](std::size_t index) { return index == 3 ? "the big one" : ""; });
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::Contains("argument 3 (the big one)") &&
                             Catch::Contains("131,073 bytes") && Catch::Contains("131,072"));
}

// The rule the check encodes must agree with what execve really does on this machine.
TEST_CASE("what the check refuses, execve refuses with E2BIG; what it accepts, execve runs") {
    const process::ExecLimits limits = process::current_exec_limits();
    auto exec_errno = [](const process::Command& command) {
        std::vector<char*> argv;
        for (const auto& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (const auto& e : command.env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::execve(command.executable.c_str(), argv.data(), envp.data());
            ::_exit(errno == E2BIG ? 7 : 8);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WEXITSTATUS(status);
    };
    process::Command single{
        "/bin/true", {"/bin/true"}, {"V=" + std::string(limits.max_string_bytes, 'v')}, {}, false};
    CHECK(process::exec_size_problem(single, limits));
    CHECK(exec_errno(single) == 7);
    single.env[0].resize(limits.max_string_bytes - 1);
    CHECK_FALSE(process::exec_size_problem(single, limits));
    CHECK(exec_errno(single) == 0);

    // Entries of 100,000 bytes: the check's allowance for a "#!" interpreter is far smaller,
    // so one entry past the first refusal is past the kernel's limit too.
    process::Command total{"/bin/true", {"/bin/true"}, {}, {}, false};
    while (!process::exec_size_problem(total, limits)) {
        total.env.push_back("V" + std::to_string(total.env.size()) + "=" +
                            std::string(100000, 'v'));
    }
    total.env.push_back("W=" + std::string(100000, 'w'));
    CHECK(exec_errno(total) == 7);
    total.env.pop_back();
    total.env.pop_back();
    CHECK_FALSE(process::exec_size_problem(total, limits));
    CHECK(exec_errno(total) == 0);
}
