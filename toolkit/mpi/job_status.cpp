#include "toolkit/mpi/job_status.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "toolkit/cluster/port_wait.hpp"
#include "toolkit/cluster/status_socket.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/helper_process.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"

namespace optml::mpi {

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kSucceeded = 'S';
constexpr char kFailed = 'F';
// A worker checks for stop requests and adopted zombies this often while the job runs.
constexpr int kWorkerTickMs = 200;

[[noreturn]] void throw_cluster(const std::string& what) {
    throw errors::Error(errors::ErrorKind::Cluster, what + ": " + std::strerror(errno) + ".");
}

[[noreturn]] void throw_stopped(int signal_number, const std::string& what) {
    throw errors::StopRequested(
        signal_number,
        "train received " + process::signal_name(signal_number) + " while " + what + ".");
}

}  // namespace

JobStatusServer::JobStatusServer(int port) : listener_(cluster::listen_on_every_address(port)) {
    if (!listener_) {
        throw_cluster("cannot listen on the job status port " + std::to_string(port) +
                      " (OPTML_MPI_STATUS_PORT)");
    }
    cluster::keep_alive(listener_.get());  // accepted connections inherit it
}

JobStatusServer::~JobStatusServer() {
    if (listener_) announce(false, 0, std::chrono::milliseconds(0));
}

void JobStatusServer::announce(bool succeeded, std::size_t workers,
                               std::chrono::milliseconds grace) {
    if (!listener_) return;
    const Clock::time_point deadline = Clock::now() + grace;
    std::vector<system::UniqueFd> connections;
    for (;;) {
        system::UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (connection) {
            connections.push_back(std::move(connection));
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        const auto now = Clock::now();
        if (connections.size() >= workers || now >= deadline) break;
        pollfd watched{listener_.get(), POLLIN, 0};
        ::poll(&watched, 1,
               static_cast<int>(
                   std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) +
                   1);
    }
    if (connections.size() < workers) {
        logging::warn(std::to_string(workers - connections.size()) +
                      " worker(s) never asked for the job's outcome");
    }
    const char verdict = succeeded ? kSucceeded : kFailed;
    for (const system::UniqueFd& connection : connections) {
        // The socket buffer is empty: one byte never blocks; a worker gone meanwhile is fine.
        [[maybe_unused]] const auto sent = ::send(connection.get(), &verdict, 1, MSG_NOSIGNAL);
    }
    connections.clear();
    listener_.reset();
}

JobEnd wait_for_job_end(const StatusWait& wait) {
    const Clock::time_point deadline = Clock::now() + wait.connect_timeout;
    system::UniqueFd connection;
    bool announced = false;
    while (!connection) {
        process::reap_exited_children();
        connection = cluster::connect_with_timeout(wait.leader, wait.port, wait.interval);
        if (connection) break;
        if (Clock::now() >= deadline) {
            const auto seconds =
                std::chrono::duration_cast<std::chrono::seconds>(wait.connect_timeout).count();
            throw errors::Error(
                errors::ErrorKind::Cluster,
                "The leader '" + wait.leader + "' did not open its job status port " +
                    std::to_string(wait.port) + " within " + std::to_string(seconds) + " s; set " +
                    wait.setting + " to wait longer.");
        }
        if (!announced) {
            logging::info("waiting for the leader " + wait.leader + " to start the job");
            announced = true;
        }
        if (auto stop = process::wait_for_stop_request(wait.interval)) {
            throw_stopped(*stop, "waiting for the leader '" + wait.leader + "'");
        }
    }
    const int fd = connection.get();
    cluster::keep_alive(fd);
    logging::info("connected to the leader " + wait.leader + "; waiting for the job to end");
    for (;;) {
        pollfd watched{fd, POLLIN, 0};
        const int ready = ::poll(&watched, 1, kWorkerTickMs);
        process::reap_exited_children();
        if (auto stop = process::take_stop_request()) {
            throw_stopped(*stop, "the MPI job ran");
        }
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        char verdict = 0;
        const ssize_t received = ::recv(fd, &verdict, 1, 0);
        if (received < 0 && errno == EINTR) continue;
        if (received == 1 && verdict == kSucceeded) return JobEnd::Succeeded;
        if (received == 1) return JobEnd::Failed;
        return JobEnd::LeaderLost;
    }
    return JobEnd::LeaderLost;
}

}  // namespace optml::mpi
