#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "toolkit/process/command.hpp"
#include "toolkit/process/line_filter.hpp"
#include "toolkit/system/unique_fd.hpp"

namespace optml::process {

class OutputRelay;

// What a helper's standard streams are. By default stdin is /dev/null and stdout and stderr
// are train's own. With a filter, that stream goes through a pipe and the filter (on a relay
// thread) to train's own stream, so the helper's lines can carry a tag or be read by train;
// with `stdin_pipe`, train writes the helper's stdin (input()).
struct HelperStreams {
    LineFilter* stdout_filter = nullptr;  // must outlive the helper
    LineFilter* stderr_filter = nullptr;  // must outlive the helper
    bool stdin_pipe = false;
};

// A service train starts next to the job (sshd for MPI) and stops when the job ends.
//
// It is held by a pidfd, not by its pid: while the program runs, the supervisor is the only
// reaper (waitpid(-1)) and may reap the helper if it dies early; signalling a bare pid after
// that could hit a reused pid. A pidfd keeps naming this process, reaped or not, so stop()
// is safe whoever reaped it.
class HelperProcess {
  public:
    // Starts `command` in its own process group with default signal dispositions and an empty
    // mask (train keeps the forwarded signals blocked), stdin from /dev/null. Throws
    // errors::Error(Supervision) when it cannot be started.
    explicit HelperProcess(const Command& command, const HelperStreams& streams = {});
    HelperProcess(const HelperProcess&) = delete;
    HelperProcess& operator=(const HelperProcess&) = delete;
    ~HelperProcess();

    pid_t pid() const { return pid_; }
    // The write end of the helper's stdin (HelperStreams::stdin_pipe), -1 otherwise.
    int input() const { return stdin_.get(); }
    // The last bytes the helper wrote to a filtered stderr, once stop() returned.
    const std::string& stderr_tail() const { return stderr_tail_; }
    bool running() const;
    // SIGTERM, then SIGKILL after `grace`; reaps it unless someone else already did.
    void stop(std::chrono::milliseconds grace);

  private:
    void finish_relays(std::chrono::milliseconds grace);

    pid_t pid_ = -1;
    system::UniqueFd pidfd_;
    system::UniqueFd stdin_;
    std::unique_ptr<OutputRelay> stdout_relay_;
    std::unique_ptr<OutputRelay> stderr_relay_;
    std::string stderr_tail_;
};

// Reaps every exited child without blocking: a train that is a subreaper adopts daemons
// started under its helpers (mpirun's orted under sshd) and must reap them while no
// supervisor runs, or they stay zombies.
void reap_exited_children();

}  // namespace optml::process
