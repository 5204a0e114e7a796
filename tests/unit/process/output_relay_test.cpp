#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/unit/process/support.hpp"
#include "toolkit/process/line_filter.hpp"
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

namespace {

// Wraps every piece it is given in <>, and remembers the pieces.
class BracketFilter : public LineFilter {
  public:
    void rewrite(std::string_view line, std::string& out) override {
        pieces.emplace_back(line);
        out += '<';
        out += line;
        out += '>';
    }
    std::vector<std::string> pieces;
};

std::string bracketed(const std::vector<std::string>& pieces) {
    std::string text;
    for (const std::string& piece : pieces) text += "<" + piece + ">";
    return text;
}

std::string joined(const std::vector<std::string>& pieces) {
    std::string text;
    for (const std::string& piece : pieces) text += piece;
    return text;
}

Command shell_command(const std::string& script, std::vector<std::string> args = {}) {
    Command command;
    command.executable = "/bin/sh";
    command.argv = {"/bin/sh", "-c", script, "sh"};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.env = {"PATH=/usr/bin:/bin"};
    return command;
}

}  // namespace

TEST_CASE("filters see whole lines of stdout and stderr, in order", "[relay][filter]") {
    const std::string stream = GENERATE("stdout", "stderr");
    INFO(stream);
    TempDir dir;
    FileCapture out(STDOUT_FILENO, dir.path() / "stdout");
    FileCapture err(STDERR_FILENO, dir.path() / "stderr");
    BracketFilter stdout_filter;
    BracketFilter stderr_filter;
    SupervisorOptions options;
    options.stdout_filter = &stdout_filter;
    options.stderr_filter = &stderr_filter;
    options.stderr_tail_bytes = 1000;
    const Outcome outcome =
        run_supervised(helper_command("helper_write", {stream, "1000000", "line"}), options);
    REQUIRE(outcome.succeeded());

    BracketFilter& used = stream == "stdout" ? stdout_filter : stderr_filter;
    const BracketFilter& unused = stream == "stdout" ? stderr_filter : stdout_filter;
    CHECK(used.pieces.size() == 10000);
    CHECK(std::all_of(used.pieces.begin(), used.pieces.end(), [](const std::string& line) {
        return line.size() == 100 && line.back() == '\n';
    }));
    CHECK(joined(used.pieces) == helper_write_pattern("line", 1000000));
    CHECK(unused.pieces.empty());
    const std::string written = stream == "stdout" ? out.contents() : err.contents();
    CHECK(written == bracketed(used.pieces));
    if (stream == "stderr") {
        // The tail is what reached fd 2: the rewritten text.
        CHECK(outcome.stderr_tail == written.substr(written.size() - 1000));
    }
}

TEST_CASE("a line longer than longest_held_line reaches the filter in pieces", "[relay][filter]") {
    TempDir dir;
    FileCapture err(STDERR_FILENO, dir.path() / "stderr");
    BracketFilter filter;
    SupervisorOptions options;
    options.stderr_filter = &filter;
    const std::size_t size = 5 * longest_held_line + 10;
    const Outcome outcome = run_supervised(
        helper_command("helper_write", {"stderr", std::to_string(size), "single"}), options);
    REQUIRE(outcome.succeeded());
    CHECK(joined(filter.pieces) == helper_write_pattern("single", size));
    CHECK(filter.pieces.size() >= 2);
    for (std::size_t i = 0; i + 1 < filter.pieces.size(); ++i) {
        CHECK(filter.pieces[i].size() >= longest_held_line);
        CHECK(filter.pieces[i].size() < longest_held_line + 256 * 1024);
    }
    CHECK(err.contents() == bracketed(filter.pieces));
}

TEST_CASE("the last line without a newline reaches the filter at the end", "[relay][filter]") {
    TempDir dir;
    FileCapture out(STDOUT_FILENO, dir.path() / "stdout");
    BracketFilter filter;
    SupervisorOptions options;
    options.stdout_filter = &filter;
    const Outcome outcome = run_supervised(shell_command("printf 'one\\ntwo'"), options);
    REQUIRE(outcome.succeeded());
    CHECK(filter.pieces == std::vector<std::string>{"one\n", "two"});
    CHECK(out.contents() == "<one\n><two>");
}

namespace {

struct PausedRun {
    bool seen_while_paused = false;
    Outcome outcome;
    std::string output;
};

// Runs a /bin/sh `script` that pauses at `read line < "$1"` until the test saw `expected` on
// `fd` (10 s at most), and returns what reached `fd` in all.
PausedRun run_paused(const std::string& script, const SupervisorOptions& options, int fd,
                     const std::string& expected) {
    TempDir dir;
    const std::filesystem::path fifo = dir.path() / "go";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    LiveCapture capture(fd);
    PausedRun run;
    std::thread supervisor = start_signal_proof_thread(
        [&] { run.outcome = run_supervised(shell_command(script, {fifo.string()}), options); });
    run.seen_while_paused = capture.wait_for(expected, std::chrono::seconds(10));
    { std::ofstream(fifo) << "go\n"; }
    supervisor.join();
    run.output = capture.finish();
    return run;
}

}  // namespace

TEST_CASE("a partial line is passed on while the program waits", "[relay][filter]") {
    // A progress bar writes no newline for minutes: its text must not wait for one.
    BracketFilter filter;
    SupervisorOptions options;
    options.stdout_filter = &filter;
    const PausedRun run = run_paused("printf 10%%; read line < \"$1\"; echo ' done'", options,
                                     STDOUT_FILENO, "<10%>");
    CHECK(run.seen_while_paused);
    REQUIRE(run.outcome.succeeded());
    CHECK(run.output == "<10%>< done\n>");
}

namespace {

// Holds every line back until the relay releases it, then writes what it held in {}.
class HoldingFilter : public LineFilter {
  public:
    void rewrite(std::string_view line, std::string&) override {
        if (held_.empty()) since_ = Clock::now();
        held_ += line;
    }
    std::optional<Clock::time_point> held_since() const override {
        if (held_.empty()) return std::nullopt;
        return since_;
    }
    void release(Clock::time_point cutoff, std::string& out) override {
        if (held_.empty() || since_ > cutoff) return;
        out += "{" + held_ + "}";
        held_.clear();
    }

  private:
    std::string held_;
    Clock::time_point since_;
};

}  // namespace

TEST_CASE("text a filter holds back is released while the program waits, and at the end",
          "[relay][filter]") {
    HoldingFilter filter;
    SupervisorOptions options;
    options.stderr_filter = &filter;
    const PausedRun run =
        run_paused("echo a >&2; read line < \"$1\"; echo b >&2", options, STDERR_FILENO, "{a\n}");
    CHECK(run.seen_while_paused);
    REQUIRE(run.outcome.succeeded());
    CHECK(run.output == "{a\n}{b\n}");
    CHECK(run.outcome.stderr_tail == "{a\n}{b\n}");
}
