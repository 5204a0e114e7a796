#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "toolkit/errors/error.hpp"
#include "toolkit/process/supervisor.hpp"

namespace optml::reporting {

// How a job ended: the exit code of train and, for a failure, the text of output/failure.
// This module is the only place where errors and program outcomes become exit codes.
struct Verdict {
    int exit_code = 0;
    std::optional<std::string> failure_reason;  // nullopt: success
    // For a program or step that ran: the text its ErrorMessage was drawn from (the stderr
    // tail, or what a runner read from it) and how it ended when a signal or a stop ended it.
    std::string error_text;
    std::optional<std::string> extra_info;

    bool succeeded() const { return !failure_reason.has_value(); }
};

Verdict success();
Verdict verdict_for_error(const errors::Error& error);

// The user program ended: success on exit 0, else ExecuteUserScriptError with its exit code
// (128+N for signal N) and the most useful part of its stderr. A multi-host job's program
// (mpirun, torchrun) passes a `summary` (which rank on which host failed, and its error
// line), which goes right after the class name so the first lines of FailureReason say where
// to look; it is made valid UTF-8 and cut to half of the 1024 characters FailureReason shows.
Verdict verdict_for_program(const process::Outcome& outcome, std::string_view summary = {});

// What a runner read from its program's output, handed to reporting explicitly instead of
// rewriting the program's stderr tail: the `summary` above, and the text the ErrorMessage is
// drawn from (a failed rank's own traceback, or mpirun's output without its tags); nullopt
// draws it from the program's stderr tail as usual.
struct FailureDetail {
    std::string summary;
    std::optional<std::string> error_text;
};
Verdict verdict_for_program(const process::Outcome& outcome, const FailureDetail& detail);

// A step before the program (pip) failed: its error kind, exit code and pip's complaint.
Verdict verdict_for_preparation(const process::Outcome& outcome, errors::ErrorKind kind,
                                std::string_view description);

// How a remote function's invoker said the call ended (optml_toolkit.remote.invoke): the
// function returned (raised false) or raised; failure_text is repr(exception) as the SDK
// writes it, error_number the exception's errno when it has an integer one.
struct RemoteFunctionEnd {
    bool raised = false;
    std::string failure_text;
    std::optional<long long> error_number;
};

// A remote-function job's verdict from its invoker's outcome and report (nullopt: no
// report). Exit codes as the SDK's invoker (0, 1, or the exception's errno) except that a
// failure never ends with 0: an errno of 0 or out of 1..255 gives 1, and a missing report
// after exit 0 fails the job.
Verdict verdict_for_remote_function(const process::Outcome& outcome,
                                    const std::optional<RemoteFunctionEnd>& end);

// Writes output/success or output/failure under output_dir (created when missing). A
// failure file that already exists, e.g. written by the program itself, is kept as it is.
// output_dir itself and the status files are never followed when they are links, and no
// temporary file stays behind. Returns false (after logging why) when the file cannot be
// written: output_dir a link or a file, a folder in the file's place, a read-only or full disk.
bool publish(const std::filesystem::path& output_dir, const Verdict& verdict);

// The ErrorMessage body from a stderr tail, at most `budget` characters: for a Python
// traceback the exception line(s) first, then the frames just above them; otherwise the
// last lines. Invalid UTF-8 is replaced so the failure file is valid text.
std::string error_message_from_stderr(std::string_view stderr_tail, std::size_t budget);

}  // namespace optml::reporting
