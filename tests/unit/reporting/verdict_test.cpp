#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "toolkit/process/signal_name.hpp"
#include "toolkit/reporting/verdict.hpp"

using namespace optml;

namespace {

process::Outcome exited(int status, std::string tail = "") {
    process::Outcome outcome;
    outcome.started = true;
    outcome.exit_status = status;
    outcome.stderr_tail = std::move(tail);
    return outcome;
}

const char* kTraceback =
    "some log line\n"
    "Traceback (most recent call last):\n"
    "  File \"/opt/ml/code/boom.py\", line 4, in <module>\n"
    "    raise ValueError('bad value 42')\n"
    "ValueError: bad value 42\n";

}  // namespace

TEST_CASE("program failures report the class, exit code and the exception first") {
    auto verdict = reporting::verdict_for_program(exited(1, kTraceback));
    CHECK(verdict.exit_code == 1);
    CHECK(*verdict.failure_reason ==
          "ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"ValueError: bad value 42\n"
          "Traceback (most recent call last):\n"
          "  File \"/opt/ml/code/boom.py\", line 4, in <module>\n"
          "    raise ValueError('bad value 42')\"");
}

TEST_CASE("signals are named and give 128+N") {
    process::Outcome killed = exited(0);
    killed.term_signal = SIGKILL;
    auto verdict = reporting::verdict_for_program(killed);
    CHECK(verdict.exit_code == 137);
    CHECK_THAT(
        *verdict.failure_reason,
        Catch::StartsWith("ExecuteUserScriptError:\nExitCode 137\n") && Catch::Contains("SIGKILL"));
    CHECK(process::signal_name(SIGSEGV) == "SIGSEGV");
    CHECK(process::signal_name(SIGRTMIN + 2) == "SIGRTMIN+2");
    CHECK(process::signal_name(200) == "signal 200");
}

TEST_CASE("a stop forwarded by train says so") {
    process::Outcome stopped = exited(143);
    stopped.forwarded_stop_signal = SIGTERM;
    auto verdict = reporting::verdict_for_program(stopped);
    CHECK_THAT(*verdict.failure_reason,
               Catch::Contains("SIGTERM") && Catch::Contains("exited within the stop deadline"));
}

TEST_CASE("the useful part of stderr fits in the first 1024 characters") {
    std::string noise;
    for (int i = 0; i < 200; ++i) noise += "progress line " + std::to_string(i) + "\n";
    auto verdict = reporting::verdict_for_program(exited(3, noise + "going down\n"));
    CHECK(verdict.failure_reason->size() <= 1024);
    CHECK_THAT(*verdict.failure_reason, Catch::Contains("going down"));

    std::string long_traceback = std::string(kTraceback);
    long_traceback.insert(long_traceback.find("  File"), std::string(3000, 'x') + "\n");
    auto traced = reporting::verdict_for_program(exited(1, long_traceback));
    CHECK(traced.failure_reason->substr(0, 1024).find("ValueError: bad value 42") !=
          std::string::npos);
}

TEST_CASE("invalid UTF-8 in stderr becomes replacement characters") {
    CHECK(reporting::error_message_from_stderr("bad \xff byte\n", 100) == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("a stop before the program ran exits 128+N") {
    auto verdict =
        reporting::verdict_for_error(errors::StopRequested(SIGINT, "train received SIGINT."));
    CHECK(verdict.exit_code == 130);
    CHECK(*verdict.failure_reason == "Stopped:\ntrain received SIGINT.");
}

TEST_CASE("toolkit errors map to their class and exit code") {
    auto verdict = reporting::verdict_for_error(
        errors::Error(errors::ErrorKind::Configuration, "hyperparameters.json is bad."));
    CHECK(verdict.exit_code == 2);
    CHECK(*verdict.failure_reason == "ConfigurationError:\nhyperparameters.json is bad.");
    auto pip = reporting::verdict_for_preparation(exited(1, "ERROR: No matching distribution\n"),
                                                  errors::ErrorKind::InstallRequirements,
                                                  "pip install -r requirements.txt");
    CHECK_THAT(
        *pip.failure_reason,
        Catch::StartsWith(
            "InstallRequirementsError:\npip install -r requirements.txt failed\nExitCode 1\n") &&
            Catch::Contains("No matching distribution"));
}

TEST_CASE("publish creates output/, writes the status and keeps an existing failure file") {
    auto dir =
        std::filesystem::temp_directory_path() / ("optml-publish-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    REQUIRE(reporting::publish(dir / "output", reporting::success()));
    CHECK(std::filesystem::exists(dir / "output" / "success"));

    std::ofstream(dir / "output" / "failure") << "custom reason\n";
    REQUIRE(reporting::publish(dir / "output", reporting::verdict_for_program(exited(2))));
    std::stringstream kept;
    kept << std::ifstream(dir / "output" / "failure").rdbuf();
    CHECK(kept.str() == "custom reason\n");
    std::filesystem::remove_all(dir);
}

TEST_CASE("a distributed job's failure names where it failed right after the class") {
    auto verdict = reporting::verdict_for_program(
        exited(1, kTraceback), "The MPI job failed at rank 2 on algo-3: ValueError: bad value 42");
    CHECK(verdict.exit_code == 1);
    REQUIRE(verdict.failure_reason);
    CHECK(verdict.failure_reason->starts_with(
        "ExecuteUserScriptError:\nThe MPI job failed at rank 2 on algo-3: ValueError: bad value "
        "42\nExitCode 1\nErrorMessage \"ValueError: bad value 42"));
    CHECK(reporting::verdict_for_program(exited(0), "ignored").succeeded());

    // A worker's exception line in the summary is arbitrary bytes of any length.
    const std::string long_line = "at rank 1: ValueError: \xff" + std::string(3000, 'x');
    auto bounded = reporting::verdict_for_program(exited(1, kTraceback), long_line);
    const std::string& text = *bounded.failure_reason;
    CHECK(text.size() <= 1024);
    CHECK(text.starts_with("ExecuteUserScriptError:\nat rank 1: ValueError: \xEF\xBF\xBDxxx"));
    CHECK_THAT(text,
               Catch::Contains("xxx...\nExitCode 1\nErrorMessage \"ValueError: bad value 42"));
    CHECK(errors::kind_name(errors::ErrorKind::Cluster) == "ClusterError");
    CHECK(reporting::verdict_for_error(errors::Error(errors::ErrorKind::Cluster, "x")).exit_code ==
          1);
}

TEST_CASE("a runner's failure detail supplies the ErrorMessage; the program's tail stays its own") {
    const process::Outcome outcome = exited(1, "mpirun noise\nValueError: another rank's error\n");
    reporting::FailureDetail detail;
    detail.summary = "The MPI job failed at rank 2 on algo-3";
    detail.error_text = kTraceback;
    auto verdict = reporting::verdict_for_program(outcome, detail);
    REQUIRE(verdict.failure_reason);
    CHECK_THAT(*verdict.failure_reason,
               Catch::StartsWith("ExecuteUserScriptError:\nThe MPI job failed at rank 2 on "
                                 "algo-3\nExitCode 1\nErrorMessage \"ValueError: bad value 42"));
    CHECK_THAT(*verdict.failure_reason, !Catch::Contains("another rank"));
    CHECK(outcome.stderr_tail == "mpirun noise\nValueError: another rank's error\n");

    detail.error_text.reset();  // nothing better read: the program's tail as usual
    CHECK_THAT(*reporting::verdict_for_program(outcome, detail).failure_reason,
               Catch::Contains("ValueError: another rank's error"));
}

namespace {

// What XGBoost 1.7 prints for an XGBoostError: the exception line, the C++ check that
// failed, then a "[bt] (n)" backtrace far longer than the failure reason's budget.
std::string xgboost_error() {
    std::string text =
        "Traceback (most recent call last):\n"
        "  File \"/opt/ml/code/train.py\", line 12, in <module>\n"
        "    train = xgb.DMatrix(path)\n"
        "  File \"/usr/lib/python3/dist-packages/xgboost/core.py\", line 279, in _check_call\n"
        "    raise XGBoostError(py_str(_LIB.XGBGetLastError()))\n"
        "xgboost.core.XGBoostError: [19:22:37] ./src/data/data.cc:874: Encountered parser "
        "error:\n"
        "[19:22:37] ./src/io/input_split_base.cc:173: Check failed: files_.size() != 0U (0 vs. "
        "0) : Cannot find any files that matches the URI pattern e.csv\n"
        "Stack trace:\n";
    for (int i = 0; i < 9; ++i) {
        text += "  [bt] (" + std::to_string(i) +
                ") /usr/lib/python3/dist-packages/xgboost/lib/libxgboost.so(dmlc::io::"
                "InputSplitBase::InitInputFileInfo(std::__cxx11::basic_string<char, "
                "std::char_traits<char>, std::allocator<char> > const&, bool)+0x56e) "
                "[0x7f057d9c72be]\n";
    }
    return text + "\n\n";
}

}  // namespace

TEST_CASE("a multi-line exception keeps its own line first, then fills the budget") {
    const std::string message = reporting::error_message_from_stderr(xgboost_error(), 600);
    CHECK(message.size() <= 600);
    CHECK_THAT(message, Catch::StartsWith("xgboost.core.XGBoostError: [19:22:37] "
                                          "./src/data/data.cc:874: Encountered parser error:\n"
                                          "[19:22:37] ./src/io/input_split_base.cc:173: Check "
                                          "failed:"));
    CHECK_THAT(message, Catch::Contains("Stack trace:\n  [bt] (0)"));
    CHECK_THAT(message, !Catch::Contains("[bt] (8)"));

    auto verdict = reporting::verdict_for_program(exited(1, xgboost_error()));
    CHECK(verdict.failure_reason->size() <= 1024);
    CHECK_THAT(
        *verdict.failure_reason,
        Catch::StartsWith("ExecuteUserScriptError:\nExitCode 1\nErrorMessage "
                          "\"xgboost.core.XGBoostError: [19:22:37] ./src/data/data.cc:874:"));
}

TEST_CASE("a short multi-line exception comes whole, with the frames above it") {
    const std::string text =
        "Traceback (most recent call last):\n"
        "  File \"/opt/ml/code/train.py\", line 3, in <module>\n"
        "    check(rows)\n"
        "ValueError: the shard is empty\n"
        "hint: every host needs rows\n";
    CHECK(reporting::error_message_from_stderr(text, 1000) ==
          "ValueError: the shard is empty\nhint: every host needs rows\n"
          "Traceback (most recent call last):\n  File \"/opt/ml/code/train.py\", line 3, in "
          "<module>\n    check(rows)");
}

TEST_CASE("an exception line longer than the budget is cut, never dropped") {
    const std::string text =
        "Traceback (most recent call last):\n  File \"x.py\", line 1\n"
        "RuntimeError: " +
        std::string(2000, 'y') + "\nsecond line\n";
    const std::string message = reporting::error_message_from_stderr(text, 100);
    CHECK(message.size() == 100);
    CHECK_THAT(message, Catch::StartsWith("RuntimeError: yyy") && Catch::EndsWith("..."));
}

TEST_CASE("a C++ exception that ended the process keeps its what() before its backtrace") {
    std::string text =
        "loading data\nterminate called after throwing an instance of "
        "'dmlc::Error'\n  what():  [10:00:00] src/learner.cc:1: Check failed: "
        "labels are not negative\nStack trace:\n";
    for (int i = 0; i < 30; ++i) text += "  [bt] (" + std::to_string(i) + ") libxgboost.so(+0x1)\n";
    const std::string message = reporting::error_message_from_stderr(text, 300);
    CHECK_THAT(message, Catch::StartsWith("terminate called after throwing an instance of "
                                          "'dmlc::Error'\n  what():  [10:00:00] src/learner.cc:1: "
                                          "Check failed: labels are not negative\n"));
    CHECK(message.size() <= 300);
}
