#pragma once

#include <signal.h>
#include <sys/types.h>

#include <span>
#include <string>
#include <vector>

#include "toolkit/process/command.hpp"

// Internal to toolkit/process: fork and exec of the program, with exec failures reported back.
namespace optml::process {

// Everything the child needs, laid out before fork: between fork and exec the child of a
// multi-threaded process may only make async-signal-safe calls, so it must not allocate.
// Points into `command`, which must outlive the plan.
class ExecPlan {
  public:
    explicit ExecPlan(const Command& command);
    ExecPlan(const ExecPlan&) = delete;
    ExecPlan& operator=(const ExecPlan&) = delete;

    const char* executable() const { return executable_; }
    const char* cwd() const { return cwd_; }  // nullptr: stay in train's directory
    char* const* argv() const { return argv_.data(); }
    char* const* envp() const { return envp_.data(); }
    // "/bin/sh" executable argv[1..]: $0 is the script's path, as with execvp's fallback.
    char* const* shell_argv() const { return shell_argv_.data(); }
    bool shell_fallback() const { return shell_fallback_; }

  private:
    const char* executable_;
    const char* cwd_;
    std::vector<char*> argv_;
    std::vector<char*> envp_;
    std::vector<char*> shell_argv_;
    bool shell_fallback_;
};

struct SpawnResult {
    pid_t pid = -1;
    bool started = false;     // exec succeeded; pid leads its own process group
    std::string start_error;  // when not started
    int wait_status = 0;      // when not started: the reaped status of the failed child
};

// Forks; the child leads a new process group, gets default dispositions for the supervised
// signals and `child_mask`, writes stderr to `stderr_fd` and stdout to `stdout_fd` (-1: train's
// own stdout), changes directory and execs. Returns
// once exec succeeded or failed (a failed child is already reaped). Throws errors::Error
// (Supervision) when it cannot fork.
SpawnResult spawn_program(const ExecPlan& plan, int stdout_fd, int stderr_fd,
                          const sigset_t& child_mask);

// The descriptors a child starts with. Every source must be 3 or above (make_pipe gives such).
struct ChildFds {
    int stdin_fd = -1;   // -1: inherited
    int stdout_fd = -1;  // -1: inherited
    int stderr_fd = -1;  // -1: inherited
    // Become the child's fds 3, 4, ... in this order (at most kMaxExtraFds), e.g. the end of
    // a socketpair a worker talks on. Everything else above 2 is closed at exec.
    std::span<const int> extra;
};
inline constexpr std::size_t kMaxExtraFds = 8;

// spawn_program with a stdin and extra descriptors; same rules otherwise.
SpawnResult spawn_program(const ExecPlan& plan, const ChildFds& fds, const sigset_t& child_mask);

}  // namespace optml::process
