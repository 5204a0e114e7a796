#include "toolkit/serve/signal_loop.hpp"

#include <sys/wait.h>

#include <boost/asio/read.hpp>
#include <cerrno>

#include "toolkit/errors/error.hpp"

namespace optml::serve {

namespace {

int open_signalfd(const sigset_t& signals) {
    const int fd = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        throw errors::Error(errors::ErrorKind::Supervision, "cannot open a signalfd");
    }
    return fd;
}

}  // namespace

SignalLoop::SignalLoop(boost::asio::io_context& io, const sigset_t& signals,
                       std::function<void(int)> on_signal)
    : descriptor_(io, open_signalfd(signals)), on_signal_(std::move(on_signal)) {}

void SignalLoop::start() {
    read();
}

void SignalLoop::read() {
    boost::asio::async_read(descriptor_, boost::asio::buffer(&info_, sizeof info_),
                            [this](boost::system::error_code ec, std::size_t) {
                                if (ec) return;
                                on_signal_(static_cast<int>(info_.ssi_signo));
                                read();
                            });
}

void reap_children(const std::function<void(pid_t, int)>& on_exit) {
    while (true) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            on_exit(pid, status);
            continue;
        }
        if (pid < 0 && errno == EINTR) continue;
        return;
    }
}

}  // namespace optml::serve
