#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/process/support.hpp"
#include "toolkit/process/supervisor.hpp"

using namespace optml::process;
using namespace optml::process::testing;
using namespace std::chrono_literals;

namespace {

constexpr auto patience = 10s;

struct Step {
    std::string wait_for;  // what the program must have printed before...
    int signal_number;     // ...the test sends this to itself, as a platform would to train
};

// Runs `command` while a thread sends train (this process) a signal after each expected
// output: the supervisor's loop must pick it up and forward it.
std::pair<Outcome, std::string> run_with_signals(const Command& command,
                                                 const std::vector<Step>& steps,
                                                 const SupervisorOptions& options = {}) {
    LiveCapture out(STDOUT_FILENO);
    std::thread sender = start_signal_proof_thread([&] {
        for (const Step& step : steps) {
            if (!out.wait_for(step.wait_for, patience)) {
                return;  // the program never printed it: the helper's alarm ends the run
            }
            kill(getpid(), step.signal_number);
        }
    });
    Outcome outcome = run_supervised(command, options);
    sender.join();
    return {std::move(outcome), out.finish()};
}

sigset_t current_mask() {
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    return mask;
}

}  // namespace

TEST_CASE("every forwardable signal reaches the program", "[signals]") {
    const auto [outcome, printed] =
        run_with_signals(helper_command("helper_signals"), {{"ready\n", SIGUSR1},
                                                            {"SIGUSR1\n", SIGUSR2},
                                                            {"SIGUSR2\n", SIGHUP},
                                                            {"SIGHUP\n", SIGQUIT},
                                                            {"SIGQUIT\n", SIGINT},
                                                            {"SIGINT\n", SIGTERM}});
    CHECK(printed == "ready\nSIGUSR1\nSIGUSR2\nSIGHUP\nSIGQUIT\nSIGINT\nSIGTERM\n");
    CHECK(outcome.succeeded());
    CHECK(outcome.forwarded_stop_signal == SIGINT);  // the first stop request
    CHECK_FALSE(outcome.killed_after_stop_timeout);
}

TEST_CASE("user signals are not stop requests", "[signals]") {
    const auto [outcome, printed] = run_with_signals(
        helper_command("helper_signals", {"2"}), {{"ready\n", SIGUSR1}, {"SIGUSR1\n", SIGUSR2}});
    CHECK(printed == "ready\nSIGUSR1\nSIGUSR2\n");
    CHECK(outcome.succeeded());
    CHECK_FALSE(outcome.forwarded_stop_signal);
}

TEST_CASE("a forwarded SIGTERM ends a program with default handling", "[signals]") {
    const int signal_number = GENERATE(SIGTERM, SIGINT);
    const auto [outcome, printed] =
        run_with_signals(helper_command("helper_sleep"), {{"ready\n", signal_number}});
    CHECK(outcome.term_signal == signal_number);
    CHECK(outcome.exit_code() == 128 + signal_number);
    CHECK(outcome.forwarded_stop_signal == signal_number);
    CHECK_FALSE(outcome.killed_after_stop_timeout);
}

TEST_CASE("a program ignoring SIGTERM is killed after stop_timeout", "[signals]") {
    SupervisorOptions options;
    options.stop_timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    const auto [outcome, printed] = run_with_signals(
        helper_command("helper_sleep", {"--ignore-term"}), {{"ready\n", SIGTERM}}, options);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(outcome.killed_after_stop_timeout);
    CHECK(outcome.term_signal == SIGKILL);
    CHECK(outcome.exit_code() == 137);
    CHECK(outcome.forwarded_stop_signal == SIGTERM);
    CHECK(elapsed >= 300ms);
    CHECK(elapsed < 5s);
}

TEST_CASE("train's signal mask is the same after supervising", "[signals]") {
    sigset_t extra;
    sigemptyset(&extra);
    sigaddset(&extra, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &extra, nullptr);
    const sigset_t before = current_mask();

    run_supervised(helper_command("helper_exit", {"0"}));
    const auto [outcome, printed] =
        run_with_signals(helper_command("helper_sleep"), {{"ready\n", SIGTERM}});
    REQUIRE(outcome.term_signal == SIGTERM);

    const sigset_t after = current_mask();
    pthread_sigmask(SIG_UNBLOCK, &extra, nullptr);
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
        INFO("signal " << signal_number);
        CHECK(sigismember(&after, signal_number) == sigismember(&before, signal_number));
    }
    CHECK(sigismember(&after, SIGUSR2));
    CHECK_FALSE(sigismember(&after, SIGTERM));
    CHECK_FALSE(sigismember(&after, SIGCHLD));
}
