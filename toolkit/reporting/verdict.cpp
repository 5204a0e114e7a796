#include "toolkit/reporting/verdict.hpp"

#include <csignal>

#include "toolkit/process/signal_name.hpp"
#include "toolkit/reporting/valid_utf8.hpp"

namespace optml::reporting {

namespace {

// FailureReason in DescribeTrainingJob shows the first 1024 characters.
constexpr std::size_t kFailureReasonShown = 1024;
// A distributed job's summary carries a worker's exception line: a long one must leave room
// for the ErrorMessage.
constexpr std::size_t kSummaryShown = kFailureReasonShown / 2;

int exit_code_for(errors::ErrorKind kind) {
    switch (kind) {
        case errors::ErrorKind::Configuration:
        case errors::ErrorKind::EntryPoint:
            return 2;
        case errors::ErrorKind::CodeAcquisition:
        case errors::ErrorKind::InstallRequirements:
        case errors::ErrorKind::InstallModule:
        case errors::ErrorKind::HostResolution:
        case errors::ErrorKind::Cluster:
        case errors::ErrorKind::Supervision:
        case errors::ErrorKind::Internal:
        case errors::ErrorKind::RuntimeEnvironment:
        case errors::ErrorKind::RemoteFunction:
            return 1;
        case errors::ErrorKind::Stopped:
            return 128 + SIGTERM;  // refined by the signal in verdict_for_error
    }
    return 1;
}

std::string how_it_ended(const process::Outcome& outcome) {
    std::string ending;
    if (outcome.forwarded_stop_signal) {
        ending = "Stopped: train received " + process::signal_name(*outcome.forwarded_stop_signal) +
                 " and forwarded it to the program; ";
        ending +=
            outcome.killed_after_stop_timeout
                ? "the program did not exit within the stop deadline and was killed with SIGKILL."
                : "the program exited within the stop deadline.";
    } else if (outcome.out_of_memory) {
        ending =
            "OutOfMemory: the kernel's OOM killer ended the program with SIGKILL (the memory "
            "cgroup's oom_kill count rose); give it more memory or use less.";
    } else if (outcome.term_signal != 0) {
        ending = "The program was killed by " + process::signal_name(outcome.term_signal) + ".";
    }
    return ending;
}

// `summary`, when given, is the line right after the class name: where to look first.
// `error_text` is what the ErrorMessage is drawn from: the program's stderr tail unless a
// runner read something better.
std::string process_failure_text(std::string_view class_name, const process::Outcome& outcome,
                                 std::string_view summary, std::string_view error_text) {
    std::string header = std::string(class_name) + ":\n";
    if (!summary.empty()) {
        // A one-line text comes back as valid UTF-8, cut at a character boundary.
        header += error_message_from_stderr(summary, kSummaryShown) + "\n";
    }
    header += "ExitCode " + std::to_string(outcome.exit_code()) + "\nErrorMessage \"";
    std::string ending = how_it_ended(outcome);
    std::size_t used = header.size() + ending.size() + 2;
    std::size_t budget = used < kFailureReasonShown ? kFailureReasonShown - used : 0;
    std::string message = error_message_from_stderr(error_text, budget);
    std::string body = ending;
    if (!ending.empty() && !message.empty()) body += "\n";
    body += message;
    return header + body + "\"";
}

Verdict failure_verdict(int exit_code, std::string failure_reason) {
    Verdict verdict;
    verdict.exit_code = exit_code;
    verdict.failure_reason = std::move(failure_reason);
    return verdict;
}

Verdict with_program_details(Verdict verdict, const process::Outcome& outcome,
                             std::string_view error_text) {
    verdict.error_text = std::string(error_text);
    if (std::string ending = how_it_ended(outcome); !ending.empty())
        verdict.extra_info = std::move(ending);
    return verdict;
}

}  // namespace

Verdict success() {
    return Verdict{};
}

Verdict verdict_for_error(const errors::Error& error) {
    int exit_code = exit_code_for(error.kind());
    if (const auto* stop = dynamic_cast<const errors::StopRequested*>(&error)) {
        exit_code = 128 + stop->signal_number();
    }
    // The SDK's job scripts write these on one line: its bootstrap "RuntimeEnvironmentError:
    // <message>", its invoker repr(exception).
    if (error.kind() == errors::ErrorKind::RuntimeEnvironment)
        return failure_verdict(exit_code, "RuntimeEnvironmentError: " + valid_utf8(error.what()));
    if (error.kind() == errors::ErrorKind::RemoteFunction)
        return failure_verdict(exit_code, valid_utf8(error.what()));
    // Messages may quote file names and other bytes from outside: the file must be UTF-8.
    return failure_verdict(
        exit_code, std::string(errors::kind_name(error.kind())) + ":\n" + valid_utf8(error.what()));
}

Verdict verdict_for_program(const process::Outcome& outcome, std::string_view summary) {
    return verdict_for_program(outcome, FailureDetail{std::string(summary), std::nullopt});
}

Verdict verdict_for_program(const process::Outcome& outcome, const FailureDetail& detail) {
    const std::string_view error_text =
        detail.error_text ? std::string_view(*detail.error_text) : outcome.stderr_tail;
    // A stopped job is reported as stopped even when the program exited 0 on SIGTERM; the
    // exit code stays the program's own.
    Verdict verdict;
    if (outcome.forwarded_stop_signal) {
        verdict =
            failure_verdict(outcome.exit_code(),
                            process_failure_text("Stopped", outcome, detail.summary, error_text));
    } else if (outcome.succeeded()) {
        return success();
    } else {
        verdict = failure_verdict(
            outcome.exit_code(),
            process_failure_text("ExecuteUserScriptError", outcome, detail.summary, error_text));
    }
    return with_program_details(std::move(verdict), outcome, error_text);
}

Verdict verdict_for_preparation(const process::Outcome& outcome, errors::ErrorKind kind,
                                std::string_view description) {
    // Name the step right after the class so the reason says what failed.
    return with_program_details(
        failure_verdict(
            exit_code_for(kind),
            process_failure_text(errors::kind_name(kind), outcome,
                                 std::string(description) + " failed", outcome.stderr_tail)),
        outcome, outcome.stderr_tail);
}

Verdict verdict_for_remote_function(const process::Outcome& outcome,
                                    const std::optional<RemoteFunctionEnd>& end) {
    if (end && !end->raised && outcome.succeeded() && !outcome.forwarded_stop_signal)
        return success();
    if (end && end->raised) {
        // The reference exits with the exception's errno, which may be 0 or out of range: a
        // failed function never ends with 0 here.
        int exit_code = 1;
        if (end->error_number && *end->error_number >= 1 && *end->error_number <= 255)
            exit_code = static_cast<int>(*end->error_number);
        return failure_verdict(exit_code, valid_utf8(end->failure_text));
    }
    // No report from the invoker: it was killed, crashed, or returned without a result.
    Verdict verdict = verdict_for_program(outcome);
    if (verdict.succeeded()) {
        verdict.exit_code = 1;
        verdict.failure_reason =
            "RemoteFunctionError('The remote function ended without reporting a result.')";
    } else if (verdict.exit_code == 0) {
        verdict.exit_code = 1;
    }
    if (end && !end->failure_text.empty())
        verdict.failure_reason = valid_utf8(end->failure_text) + "\n" + *verdict.failure_reason;
    return verdict;
}

}  // namespace optml::reporting
