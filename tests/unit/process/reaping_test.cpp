#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/unit/process/support.hpp"
#include "toolkit/process/supervisor.hpp"

using namespace optml::process;
using namespace optml::process::testing;
using namespace std::chrono_literals;

namespace {

struct Run {
    Outcome outcome;
    std::vector<pid_t> grandchildren;
    std::chrono::steady_clock::duration elapsed;
};

// Runs helper_orphans with this process as the subreaper that adopts its grandchildren.
Run run_orphans(const std::vector<std::string>& args, const SupervisorOptions& options) {
    become_subreaper();
    TempDir dir;
    FileCapture out(STDOUT_FILENO, dir.path() / "stdout");
    FileCapture err(STDERR_FILENO, dir.path() / "stderr");  // relayed; checked via the tail
    Run run;
    const auto start = std::chrono::steady_clock::now();
    run.outcome = run_supervised(helper_command("helper_orphans", args), options);
    run.elapsed = std::chrono::steady_clock::now() - start;
    run.grandchildren = parse_pids(out.contents());
    return run;
}

}  // namespace

TEST_CASE("adopted orphans are reaped while the program runs", "[reaping]") {
    // The helper exits 0 only once its exited grandchildren vanished, i.e. were reaped by
    // this (subreaper) process's supervisor loop while the helper was still running.
    const Run run = run_orphans({"5", "exit", "--await-reaped"}, {});
    CHECK(run.outcome.exit_status == 0);
    CHECK(run.outcome.stderr_tail == "spawned 5\n");
    CHECK(run.grandchildren.size() == 5);
    CHECK(zombie_children().empty());
}

TEST_CASE("what the program leaves in its group is terminated after it exits", "[reaping]") {
    SupervisorOptions options;
    options.cleanup_timeout = 5s;
    const Run run = run_orphans({"3", "wait"}, options);
    CHECK(run.outcome.succeeded());
    REQUIRE(run.grandchildren.size() == 3);
    for (const pid_t pid : run.grandchildren) {
        CHECK(process_gone(pid));  // killed and reaped, not a zombie
    }
    CHECK(run.elapsed < 4s);  // SIGTERM did it, not the SIGKILL deadline
    CHECK(zombie_children().empty());
}

TEST_CASE("leftovers ignoring SIGTERM get SIGKILL after cleanup_timeout", "[reaping]") {
    SupervisorOptions options;
    options.cleanup_timeout = 300ms;
    const Run run = run_orphans({"2", "wait", "--ignore-term"}, options);
    CHECK(run.outcome.succeeded());
    REQUIRE(run.grandchildren.size() == 2);
    for (const pid_t pid : run.grandchildren) {
        CHECK(process_gone(pid));
    }
    CHECK(run.elapsed >= 300ms);
    CHECK(run.elapsed < 5s);
    CHECK(zombie_children().empty());
}

TEST_CASE("a daemon that escaped the group and holds stderr does not hang train", "[reaping]") {
    SupervisorOptions options;
    options.cleanup_timeout = 300ms;
    const Run run = run_orphans({"1", "wait", "--setsid"}, options);
    REQUIRE(run.grandchildren.size() == 1);
    const pid_t daemon = run.grandchildren.front();
    CHECK_FALSE(process_gone(daemon));  // not in the group: left alone
    kill(daemon, SIGKILL);
    int status = 0;
    CHECK(waitpid(daemon, &status, 0) == daemon);

    CHECK(run.outcome.succeeded());
    CHECK(run.outcome.stderr_tail == "spawned 1\n");  // written before exit: not lost
    CHECK(run.elapsed >= 300ms);                      // waited for EOF, bounded
    CHECK(run.elapsed < 5s);
    CHECK(zombie_children().empty());
}
