#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace optml::torchrun {

// A worker that torchrun's ChildFailedError summary lists under "Root Cause" or "Failures".
struct FailedWorker {
    std::optional<long long> rank;  // global
    std::optional<long long> local_rank;
    std::string host;
    std::optional<long long> exit_code;  // negative: killed by signal -exit_code
    std::string signal_name;             // "SIGKILL" where torchrun names the signal
    std::string time;                    // torchrun's timestamp, to the second
};

// What torchrun's stderr tells about a failed job on this node.
struct TorchrunFailure {
    // The workers that failed first. torchrun names one "Root Cause", but it stamps failures
    // to the second and breaks ties by local rank, so a peer that failed because of the real
    // cause in the same second often takes its place: every worker stamped with the root
    // cause's second is listed (root cause first), unless a "[rank3]: " or torchrun --tee
    // "[default1]:" prefix on the error's lines says whose the error is.
    std::vector<FailedWorker> first_failed;
    // The first exception a worker printed, e.g. "ValueError: boom", and its traceback as
    // printed (chained exceptions included, line prefixes removed). torchrun's own tracebacks
    // (its ChildFailedError, its agent's errors) never count.
    std::string error_line;
    std::string traceback;
    // torchrun's own last exception other than ChildFailedError, e.g. a SignalException or
    // a rendezvous error; only of use when no worker error was found.
    std::string torchrun_error_line;
};

// Reads torch 1.x/2.x torchrun output (the workers' stderr is torchrun's). Never throws on
// arbitrary bytes; the tail may start or end in the middle of a line.
TorchrunFailure read_torchrun_failure(std::string_view stderr_tail);

// `what_failed` followed by where and why: "<what_failed> at rank 3 (local rank 1):
// ValueError: boom", "... at rank 2 (local rank 0) and rank 3 (local rank 1); first error
// printed: ...", "... at rank 3 (local rank 1, killed by SIGKILL).", "...: torchrun's own
// error: ...", or `what_failed` and "." when nothing is known.
std::string describe(const TorchrunFailure& failure, std::string_view what_failed);

}  // namespace optml::torchrun
