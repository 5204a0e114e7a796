#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "toolkit/process/abort_request.hpp"
#include "toolkit/process/command.hpp"
#include "toolkit/process/line_filter.hpp"

namespace optml::process {

struct SupervisorOptions {
    // After train forwards SIGTERM, how long the program's group may take to exit before it
    // gets SIGKILL. Below the platform's 120 s grace so train can still report.
    std::chrono::milliseconds stop_timeout{std::chrono::seconds(100)};
    // After the program exits, how long what it left running in its group gets between
    // SIGTERM and SIGKILL. After a forwarded stop, what is left keeps the rest of the stop
    // deadline instead (it got the stop signal already).
    std::chrono::milliseconds cleanup_timeout{std::chrono::seconds(2)};
    // How many trailing bytes of the program's stderr are kept for the failure reason.
    std::size_t stderr_tail_bytes = 16 * 1024;
    // Rewrite the program's output line by line (both must outlive run_supervised). With a
    // stdout filter stdout is relayed through a pipe too; without one it is inherited, which
    // costs nothing. stderr_tail then holds the rewritten text.
    LineFilter* stdout_filter = nullptr;
    LineFilter* stderr_filter = nullptr;
    // When set (it must outlive run_supervised), a request from another thread ends the
    // program: SIGTERM to its group, SIGKILL after cleanup_timeout.
    const AbortRequest* abort = nullptr;
};

struct Outcome {
    bool started = false;     // false: execve failed, see start_error
    std::string start_error;  // e.g. "Permission denied" (strerror of the exec errno)
    int exit_status = 0;      // when the program exited normally
    int term_signal = 0;      // when a signal killed it (0 otherwise)
    std::optional<int> forwarded_stop_signal;  // SIGTERM or SIGINT train received and forwarded
    bool killed_after_stop_timeout = false;    // the group did not exit in time and got SIGKILL
    bool out_of_memory = false;  // SIGKILL while the memory cgroup's oom_kill count rose
    bool aborted = false;        // SupervisorOptions::abort ended it before it exited
    std::string stderr_tail;     // the last stderr_tail_bytes of what the program wrote to stderr

    bool succeeded() const { return started && term_signal == 0 && exit_status == 0; }
    // What train exits with: the program's code, or 128+N when signal N killed it.
    int exit_code() const;
};

// Runs one program to completion under a single signal loop that owns all reaping:
// signals are blocked before fork and restored in the child; the child leads its own process
// group; SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 sent to train are forwarded to
// that group; stdout is inherited (unless filtered); stderr is relayed byte for byte (or
// through its filter) while its tail is kept. Throws errors::Error(Supervision) when it cannot fork
// or create pipes.
Outcome run_supervised(const Command& command, const SupervisorOptions& options = {});

// Makes this process a child subreaper (unless it is PID 1, which already adopts orphans),
// so descendants that outlive their parents are reaped by train. Call once at start-up.
void become_subreaper();

}  // namespace optml::process
