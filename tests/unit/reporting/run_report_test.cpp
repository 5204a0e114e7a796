#include <catch2/catch.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/reporting/run_report.hpp"

using namespace optml;

namespace {

process::Outcome failed_program(std::string stderr_tail, int status = 1) {
    process::Outcome outcome;
    outcome.started = true;
    outcome.exit_status = status;
    outcome.stderr_tail = std::move(stderr_tail);
    return outcome;
}

const char* const kTraceback =
    "Traceback (most recent call last):\n  File \"train.py\", line 3, in <module>\n"
    "ValueError: bad input\n";

}  // namespace

TEST_CASE("a successful run reports exit code 0 and no class") {
    const reporting::RunReport report = reporting::run_report(reporting::success());
    CHECK(report.exit_code == 0);
    CHECK_FALSE(report.failed());
    CHECK_FALSE(report.failure_text.has_value());
}

TEST_CASE("a failed program reports its exception first and the job's failure text") {
    const reporting::RunReport report =
        reporting::run_report(reporting::verdict_for_program(failed_program(kTraceback, 3)));
    CHECK(report.exit_code == 3);
    CHECK(report.error_class == "ExecuteUserScriptError");
    CHECK(report.stderr_tail.find("ValueError: bad input") == 0);
    REQUIRE(report.failure_text.has_value());
    CHECK(report.failure_text->find("ExecuteUserScriptError:\nExitCode 3\n") == 0);
}

TEST_CASE("a killed program's report says how it ended") {
    process::Outcome outcome = failed_program("");
    outcome.exit_status = 0;
    outcome.term_signal = 9;
    const reporting::RunReport report =
        reporting::run_report(reporting::verdict_for_program(outcome));
    CHECK(report.exit_code == 137);
    REQUIRE(report.extra_info.has_value());
    CHECK(report.extra_info->find("SIGKILL") != std::string::npos);
}

TEST_CASE("classes the toolkits do not know reach them as ExecuteUserScriptError") {
    const reporting::RunReport pip = reporting::run_report(reporting::verdict_for_preparation(
        failed_program("ERROR: No matching distribution\n"), errors::ErrorKind::InstallRequirements,
        "pip install -r requirements.txt"));
    CHECK(pip.error_class == "InstallRequirementsError");
    CHECK(pip.stderr_tail.find("ERROR: No matching distribution") != std::string::npos);

    const reporting::RunReport cluster = reporting::run_report(reporting::verdict_for_error(
        errors::Error(errors::ErrorKind::Cluster, "The MPI job failed.")));
    CHECK(cluster.error_class == "ExecuteUserScriptError");
    CHECK(cluster.stderr_tail == "The MPI job failed.");
    CHECK(cluster.failure_text->find("ClusterError:\n") == 0);
}

TEST_CASE("a framework that raised its run's error fails the job with the run's text") {
    const reporting::RunReport run =
        reporting::run_report(reporting::verdict_for_program(failed_program(kTraceback, 3)));
    const reporting::Verdict framework = reporting::verdict_for_program(failed_program(
        "Traceback (most recent call last):\n  File \"toolkit.py\"\n"
        "sagemaker_training.errors.ExecuteUserScriptError: ExecuteUserScriptError:\n"
        "ExitCode 3\nErrorMessage \"ValueError: bad input\"\nCommand \"train.py\"\n"));
    const reporting::Verdict job = reporting::verdict_for_framework(framework, run);
    CHECK(job.exit_code == 3);
    CHECK(job.failure_reason == run.failure_text);
    CHECK(job.failure_reason->find("Command") == std::string::npos);
}

TEST_CASE("a framework failing for its own reason, or swallowing the error, keeps its verdict") {
    const reporting::RunReport run =
        reporting::run_report(reporting::verdict_for_program(failed_program(kTraceback, 3)));
    const reporting::Verdict own =
        reporting::verdict_for_program(failed_program("KeyError: 'toolkit bug'\n"));
    CHECK(reporting::verdict_for_framework(own, run).failure_reason == own.failure_reason);
    CHECK(reporting::verdict_for_framework(reporting::success(), run).succeeded());
    CHECK(reporting::verdict_for_framework(own, std::nullopt).failure_reason == own.failure_reason);
}
