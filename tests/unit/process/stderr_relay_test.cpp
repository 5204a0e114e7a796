#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/unit/process/support.hpp"
#include "toolkit/process/supervisor.hpp"

using namespace optml::process;
using namespace optml::process::testing;

namespace {

struct Relayed {
    Outcome outcome;
    std::string stderr_bytes;
};

// Runs helper_write with train's fd 2 sent to a file, as the relay's destination.
Relayed run_writer(const std::string& size, const std::string& pattern,
                   const SupervisorOptions& options = {}) {
    TempDir dir;
    FileCapture err(STDERR_FILENO, dir.path() / "stderr");
    Relayed relayed;
    relayed.outcome =
        run_supervised(helper_command("helper_write", {"stderr", size, pattern}), options);
    relayed.stderr_bytes = err.contents();
    return relayed;
}

}  // namespace

TEST_CASE("stderr is relayed byte for byte", "[relay]") {
    const auto [size, pattern] = GENERATE(table<std::size_t, std::string>({
        {0, "line"},
        {1, "line"},
        {1000000, "line"},
        {1048576, "single"},  // one 1 MiB line
        {300000, "binary"},   // NUL and every byte value
        {300000, "invalid"},  // no valid UTF-8 anywhere
    }));
    INFO(size << " bytes of " << pattern);
    const Relayed relayed = run_writer(std::to_string(size), pattern);
    REQUIRE(relayed.outcome.succeeded());
    const std::string expected = helper_write_pattern(pattern, size);
    CHECK(relayed.stderr_bytes.size() == expected.size());
    CHECK(relayed.stderr_bytes == expected);
    const std::size_t kept =
        std::min<std::size_t>(expected.size(), SupervisorOptions{}.stderr_tail_bytes);
    CHECK(relayed.outcome.stderr_tail == expected.substr(expected.size() - kept));
}

TEST_CASE("the stderr tail holds the last stderr_tail_bytes", "[relay]") {
    SupervisorOptions options;
    options.stderr_tail_bytes = 1000;
    const Relayed relayed = run_writer("1000000", "invalid", options);
    REQUIRE(relayed.outcome.succeeded());
    const std::string expected = helper_write_pattern("invalid", 1000000);
    CHECK(relayed.outcome.stderr_tail == expected.substr(expected.size() - 1000));
    CHECK(relayed.stderr_bytes == expected);
}

TEST_CASE("a zero-byte tail keeps nothing but still relays", "[relay]") {
    SupervisorOptions options;
    options.stderr_tail_bytes = 0;
    const Relayed relayed = run_writer("5000", "line", options);
    CHECK(relayed.outcome.stderr_tail.empty());
    CHECK(relayed.stderr_bytes == helper_write_pattern("line", 5000));
}

TEST_CASE("a broken fd 2 never blocks the program", "[relay]") {
    // fd 2 is a pipe nobody reads: the relay gets EPIPE, must not die of SIGPIPE, and keeps
    // draining so the program can write all its megabytes and exit.
    int broken[2];
    REQUIRE(pipe2(broken, O_CLOEXEC) == 0);
    close(broken[0]);
    Outcome outcome;
    {
        FdRedirect err(STDERR_FILENO, broken[1]);
        outcome = run_supervised(helper_command("helper_write", {"stderr", "4000000", "line"}));
    }
    close(broken[1]);
    REQUIRE(outcome.succeeded());
    const std::string expected = helper_write_pattern("line", 4000000);
    CHECK(outcome.stderr_tail == expected.substr(expected.size() - outcome.stderr_tail.size()));
    CHECK(outcome.stderr_tail.size() == SupervisorOptions{}.stderr_tail_bytes);
}

TEST_CASE("stdout is inherited, not relayed", "[relay]") {
    TempDir dir;
    FileCapture out(STDOUT_FILENO, dir.path() / "stdout");
    const Outcome outcome =
        run_supervised(helper_command("helper_write", {"stdout", "250000", "binary"}));
    REQUIRE(outcome.succeeded());
    CHECK(out.contents() == helper_write_pattern("binary", 250000));
    CHECK(outcome.stderr_tail.empty());
}
