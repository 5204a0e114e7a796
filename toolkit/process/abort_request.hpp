#pragma once

#include <pthread.h>

#include <atomic>

namespace optml::process {

// A request, from another thread, to end the supervised program because the job ended
// elsewhere (a multi-host runner learned that another host failed or vanished). The supervisor
// then sends SIGTERM to the program's group and SIGKILL after its cleanup timeout, and marks
// the outcome as aborted; the runner reports why.
//
// Construct it on the thread that will call run_supervised: request() wakes that thread's
// sigtimedwait with a thread-directed SIGCHLD (a signal it waits for anyway and that means
// nothing more than "look again"), so the abort is acted on at once, not at the next tick.
class AbortRequest {
  public:
    AbortRequest();
    AbortRequest(const AbortRequest&) = delete;
    AbortRequest& operator=(const AbortRequest&) = delete;

    // Safe from any thread, any number of times.
    void request();
    bool requested() const { return requested_.load(std::memory_order_acquire); }

  private:
    std::atomic<bool> requested_{false};
    pthread_t supervising_thread_;
};

}  // namespace optml::process
