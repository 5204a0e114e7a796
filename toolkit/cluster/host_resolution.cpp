#include "toolkit/cluster/host_resolution.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>

#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"

namespace optml::cluster {

namespace {

// 0 when the name resolves, else the getaddrinfo error code.
int resolve(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int status = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (found != nullptr) ::freeaddrinfo(found);
    return status;
}

}  // namespace

void wait_for_hosts(const std::vector<std::string>& hosts, std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + timeout;
    for (const std::string& host : hosts) {
        std::chrono::milliseconds pause{100};
        bool announced = false;
        for (;;) {
            int status = resolve(host);
            if (status == 0) break;
            Clock::time_point now = Clock::now();
            if (now >= deadline) {
                auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
                throw errors::Error(errors::ErrorKind::HostResolution,
                                    "The host '" + host + "' did not resolve within " +
                                        std::to_string(seconds) + " s (" + ::gai_strerror(status) +
                                        "); set OPTML_HOST_RESOLUTION_TIMEOUT to wait longer.");
            }
            if (!announced) {
                logging::info("waiting for host " + host + " to resolve");
                announced = true;
            }
            // A retry pause (DNS gives no event to wait on) that still ends at once on a stop.
            auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::min<Clock::duration>(pause, deadline - now));
            if (auto stop = process::wait_for_stop_request(wait)) {
                throw errors::StopRequested(*stop,
                                            "train received " + process::signal_name(*stop) +
                                                " while waiting for host '" + host +
                                                "' to resolve; the program was not started.");
            }
            pause = std::min(pause * 2, std::chrono::milliseconds(5000));
        }
    }
}

}  // namespace optml::cluster
