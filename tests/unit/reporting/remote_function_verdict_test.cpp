#include <catch2/catch.hpp>

#include "toolkit/reporting/verdict.hpp"

using namespace optml;

namespace {

process::Outcome exited(int status) {
    process::Outcome outcome;
    outcome.started = true;
    outcome.exit_status = status;
    return outcome;
}

reporting::RemoteFunctionEnd raised(std::optional<long long> number) {
    return reporting::RemoteFunctionEnd{true, "OSError(2, 'gone')", number};
}

}  // namespace

TEST_CASE("a remote function that returned succeeds") {
    CHECK(reporting::verdict_for_remote_function(exited(0), reporting::RemoteFunctionEnd{})
              .succeeded());
}

TEST_CASE("a raised exception exits with its errno, never with 0") {
    const auto with_errno = reporting::verdict_for_remote_function(exited(1), raised(2));
    CHECK(with_errno.exit_code == 2);
    CHECK(with_errno.failure_reason == "OSError(2, 'gone')");
    CHECK(reporting::verdict_for_remote_function(exited(1), raised(0)).exit_code == 1);
    CHECK(reporting::verdict_for_remote_function(exited(1), raised(256)).exit_code == 1);
    CHECK(reporting::verdict_for_remote_function(exited(1), raised(-5)).exit_code == 1);
    CHECK(reporting::verdict_for_remote_function(exited(1), raised(std::nullopt)).exit_code == 1);
}

TEST_CASE("no report after exit 0 is a failure") {
    const auto verdict = reporting::verdict_for_remote_function(exited(0), std::nullopt);
    CHECK_FALSE(verdict.succeeded());
    CHECK(verdict.exit_code == 1);
}

TEST_CASE("bootstrap errors read as the SDK's RuntimeEnvironmentError line") {
    const auto verdict = reporting::verdict_for_error(
        errors::Error(errors::ErrorKind::RuntimeEnvironment, "Python version found ..."));
    CHECK(verdict.exit_code == 1);
    CHECK(verdict.failure_reason == "RuntimeEnvironmentError: Python version found ...");
    const auto integrity = reporting::verdict_for_error(
        errors::Error(errors::ErrorKind::RemoteFunction, "DeserializationError('x')"));
    CHECK(integrity.failure_reason == "DeserializationError('x')");
}
