#pragma once

#include <signal.h>

#include <sys/signalfd.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>

namespace optml::serve {

// The one place serve takes signals: the caller keeps `signals` blocked in every thread
// (process::SignalBlock), and a signalfd in the io_context hands each one to `on_signal` on
// the loop's thread. Blocked rather than handled, a signal also reaches serve as PID 1.
class SignalLoop {
  public:
    SignalLoop(boost::asio::io_context& io, const sigset_t& signals,
               std::function<void(int)> on_signal);
    void start();

  private:
    void read();

    boost::asio::posix::stream_descriptor descriptor_;
    std::function<void(int)> on_signal_;
    signalfd_siginfo info_{};
};

// Reaps every ended child (waitpid(-1, WNOHANG) until none is left), orphans included.
void reap_children(const std::function<void(pid_t, int)>& on_exit);

}  // namespace optml::serve
