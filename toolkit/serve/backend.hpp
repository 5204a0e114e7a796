#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>

#include "toolkit/http/server.hpp"

namespace optml::serve {

// What answers /invocations behind the routes, and what ServeApp starts, supervises and
// stops: one model's worker pool, or the many models of a multi-model endpoint.
class Backend {
  public:
    virtual ~Backend() = default;

    virtual void start() = 0;
    // Start-up is over: SIGTERM drains instead of stopping at once.
    virtual bool loaded() const = 0;
    // What /ping says.
    virtual bool healthy() const = 0;
    // POST /invocations.
    virtual void submit(http::Request& request, http::Reply reply) = 0;

    // From the reaper: a child (or adopted orphan) ended. Returns false for an unknown pid.
    virtual bool on_child_exit(pid_t pid, int wait_status) = 0;
    // Called every tick (http::kSweepInterval).
    virtual void tick() = 0;
    // SIGTERM to every process group (SIGKILL after `grace`); `on_stopped` runs (posted) once
    // every known child is reaped.
    virtual void stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) = 0;
    virtual void kill_all() = 0;
    virtual bool has_children() const = 0;
};

}  // namespace optml::serve
