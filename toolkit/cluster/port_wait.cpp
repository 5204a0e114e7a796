#include "toolkit/cluster/port_wait.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"

namespace optml::cluster {

namespace {

using Clock = std::chrono::steady_clock;

bool connected_within(int fd, std::chrono::milliseconds timeout) {
    pollfd watched{fd, POLLOUT, 0};
    int ready = -1;
    do {
        ready = ::poll(&watched, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0) return false;
    int error = 0;
    socklen_t length = sizeof error;
    return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

}  // namespace

system::UniqueFd connect_with_timeout(const std::string& host, int port,
                                      std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
        return {};
    }
    system::UniqueFd result;
    for (addrinfo* address = found; address != nullptr && !result; address = address->ai_next) {
        system::UniqueFd fd(::socket(address->ai_family,
                                     address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                                     address->ai_protocol));
        if (!fd) continue;
        if (::connect(fd.get(), address->ai_addr, address->ai_addrlen) == 0 ||
            (errno == EINPROGRESS && connected_within(fd.get(), timeout))) {
            ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
            result = std::move(fd);
        }
    }
    ::freeaddrinfo(found);
    return result;
}

void wait_for_ports(const PortWait& wait) {
    const Clock::time_point deadline = Clock::now() + wait.timeout;
    for (const std::string& host : wait.hosts) {
        bool announced = false;
        for (;;) {
            const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::max<Clock::duration>(deadline - Clock::now(), Clock::duration::zero()));
            if (connect_with_timeout(
                    host, wait.port,
                    std::clamp(remaining, std::chrono::milliseconds(1), wait.interval))) {
                logging::info(wait.service + " on " + host + " accepts connections");
                break;
            }
            if (Clock::now() >= deadline) {
                const auto seconds =
                    std::chrono::duration_cast<std::chrono::seconds>(wait.timeout).count();
                throw errors::Error(errors::ErrorKind::Cluster,
                                    "The host '" + host + "' did not accept connections on port " +
                                        std::to_string(wait.port) + " (" + wait.service +
                                        ") within " + std::to_string(seconds) + " s; set " +
                                        wait.setting + " to wait longer.");
            }
            if (!announced) {
                logging::info("waiting for " + wait.service + " on " + host);
                announced = true;
            }
            // No event to wait on for a remote port; the pause still ends at once on a stop.
            const auto pause = std::min(
                wait.interval,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::max<Clock::duration>(deadline - Clock::now(), Clock::duration::zero())));
            if (auto stop = process::wait_for_stop_request(pause)) {
                throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                                       " while waiting for " + wait.service +
                                                       " on '" + host + "'.");
            }
        }
    }
}

}  // namespace optml::cluster
