#pragma once

#include <sys/types.h>

#include <chrono>

#include "toolkit/process/command.hpp"
#include "toolkit/system/unique_fd.hpp"

namespace optml::process {

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
    explicit HelperProcess(const Command& command);
    HelperProcess(const HelperProcess&) = delete;
    HelperProcess& operator=(const HelperProcess&) = delete;
    ~HelperProcess();

    pid_t pid() const { return pid_; }
    bool running() const;
    // SIGTERM, then SIGKILL after `grace`; reaps it unless someone else already did.
    void stop(std::chrono::milliseconds grace);

  private:
    pid_t pid_ = -1;
    system::UniqueFd pidfd_;
};

// Reaps every exited child without blocking: a train that is a subreaper adopts daemons
// started under its helpers (mpirun's orted under sshd) and must reap them while no
// supervisor runs, or they stay zombies.
void reap_exited_children();

}  // namespace optml::process
