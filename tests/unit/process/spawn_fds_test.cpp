#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <string>

#include "tests/unit/process/support.hpp"
#include "toolkit/process/spawn.hpp"
#include "toolkit/process/pipe.hpp"

using namespace optml::process;
using namespace optml::process::testing;

namespace {

std::string read_all(int fd) {
    std::string text;
    char buffer[256];
    ssize_t n = 0;
    while ((n = read(fd, buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<std::size_t>(n));
    return text;
}

}  // namespace

TEST_CASE("a child gets its extra descriptors as 3, 4, ... and nothing else") {
    Pipe output = make_pipe();
    SocketPair first = make_socket_pair();
    Pipe second = make_pipe();
    UniqueFd null_input = open_null_input();
    const Command command = helper_command("helper_fds");
    const ExecPlan plan(command);
    const std::array<int, 2> extra{first.second.get(), second.write_end.get()};
    ChildFds fds;
    fds.stdin_fd = null_input.get();
    fds.stdout_fd = output.write_end.get();
    fds.stderr_fd = output.write_end.get();
    fds.extra = extra;
    sigset_t mask;
    sigemptyset(&mask);
    const SpawnResult result = spawn_program(plan, fds, mask);
    REQUIRE(result.started);
    output.write_end.reset();
    const std::string listed = read_all(output.read_end.get());
    int status = 0;
    REQUIRE(waitpid(result.pid, &status, 0) == result.pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(listed == "0\n1\n2\n3\n4\n");
}
