#include "toolkit/process/abort_request.hpp"

#include <signal.h>

namespace optml::process {

AbortRequest::AbortRequest() : supervising_thread_(pthread_self()) {}

void AbortRequest::request() {
    requested_.store(true, std::memory_order_release);
    // Outside run_supervised SIGCHLD's default action is to ignore it: harmless.
    pthread_kill(supervising_thread_, SIGCHLD);
}

}  // namespace optml::process
