#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <string>

#include "tests/unit/process/support.hpp"
#include "toolkit/process/supervisor.hpp"

using namespace optml::process;
using namespace optml::process::testing;

TEST_CASE("exit codes pass through", "[supervisor]") {
    const int code = GENERATE(0, 1, 3, 255);
    const Outcome outcome = run_supervised(helper_command("helper_exit", {std::to_string(code)}));
    CHECK(outcome.started);
    CHECK(outcome.start_error.empty());
    CHECK(outcome.exit_status == code);
    CHECK(outcome.term_signal == 0);
    CHECK(outcome.exit_code() == code);
    CHECK(outcome.succeeded() == (code == 0));
    CHECK_FALSE(outcome.forwarded_stop_signal);
    CHECK_FALSE(outcome.killed_after_stop_timeout);
}

TEST_CASE("death by a signal gives term_signal and 128+N", "[supervisor]") {
    const int signal_number = GENERATE(SIGKILL, SIGSEGV, SIGTERM, SIGABRT);
    const Outcome outcome =
        run_supervised(helper_command("helper_kill_self", {std::to_string(signal_number)}));
    CHECK(outcome.started);
    CHECK(outcome.term_signal == signal_number);
    CHECK(outcome.exit_code() == 128 + signal_number);
    CHECK_FALSE(outcome.succeeded());
    CHECK_FALSE(outcome.forwarded_stop_signal);
}

TEST_CASE("short programs are noticed at once, not by a periodic check", "[supervisor]") {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) {
        REQUIRE(run_supervised(helper_command("helper_exit", {"0"})).succeeded());
    }
    // A missed SIGCHLD would cost a second per run.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));
}

TEST_CASE("the exit status survives train ignoring SIGCHLD", "[supervisor]") {
    // SIGCHLD set to SIG_IGN makes the kernel reap children itself, status and all.
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous = {};
    sigaction(SIGCHLD, &ignore, &previous);
    const Outcome outcome = run_supervised(helper_command("helper_exit", {"3"}));
    struct sigaction after = {};
    sigaction(SIGCHLD, &previous, &after);
    CHECK(outcome.exit_status == 3);
    CHECK(after.sa_handler == SIG_IGN);  // train's disposition is back
}
