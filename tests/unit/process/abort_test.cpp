#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/unit/process/support.hpp"
#include "toolkit/process/abort_request.hpp"
#include "toolkit/process/helper_process.hpp"
#include "toolkit/process/supervisor.hpp"

using namespace optml::process;
using namespace optml::process::testing;
using namespace std::chrono_literals;

TEST_CASE("an abort request from another thread ends the program with SIGTERM") {
    LiveCapture out(STDOUT_FILENO);
    AbortRequest abort;
    SupervisorOptions options;
    options.abort = &abort;
    std::thread requester = start_signal_proof_thread([&] {
        if (out.wait_for("ready\n", 10s)) abort.request();
    });
    const Outcome outcome = run_supervised(helper_command("helper_sleep"), options);
    requester.join();
    CHECK(outcome.aborted);
    CHECK(outcome.term_signal == SIGTERM);
    CHECK_FALSE(outcome.forwarded_stop_signal);
}

TEST_CASE("a program that ignores the abort's SIGTERM gets SIGKILL after the cleanup timeout") {
    LiveCapture out(STDOUT_FILENO);
    AbortRequest abort;
    SupervisorOptions options;
    options.abort = &abort;
    options.cleanup_timeout = 200ms;
    std::thread requester = start_signal_proof_thread([&] {
        if (out.wait_for("ready\n", 10s)) abort.request();
    });
    const Outcome outcome =
        run_supervised(helper_command("helper_sleep", {"--ignore-term"}), options);
    requester.join();
    CHECK(outcome.aborted);
    CHECK(outcome.term_signal == SIGKILL);
}

TEST_CASE("an abort requested before the program starts ends it at once") {
    AbortRequest abort;
    abort.request();
    SupervisorOptions options;
    options.abort = &abort;
    const Outcome outcome = run_supervised(helper_command("helper_sleep"), options);
    CHECK(outcome.aborted);
    CHECK(outcome.term_signal == SIGTERM);
}

namespace {

class Tagged : public LineFilter {
  public:
    void rewrite(std::string_view line, std::string& out) override {
        out += "[tag] ";
        out += line;
    }
};

}  // namespace

TEST_CASE("a helper's filtered output is relayed line by line, and its stdin is a pipe") {
    LiveCapture out(STDOUT_FILENO);
    Tagged tagged;
    Command cat;
    cat.executable = "/bin/cat";
    cat.argv = {"/bin/cat"};
    HelperProcess helper(cat, HelperStreams{&tagged, nullptr, true});
    REQUIRE(helper.input() >= 0);
    const std::string text = "one\ntwo\n";
    REQUIRE(write(helper.input(), text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    CHECK(out.wait_for("[tag] one\n[tag] two\n", 10s));
    helper.stop(1s);
    CHECK_FALSE(helper.running());
}
