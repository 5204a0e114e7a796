#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "toolkit/system/unique_fd.hpp"

// How workers of a multi-host job learn that it ended and how. The leader listens on a TCP
// port before anything else; each worker connects once and waits for one byte. While the job
// runs nobody accepts: the kernel completes the handshakes and answers keepalives, so the
// leader needs no thread. A worker notices the end within milliseconds (no polling of the
// leader, no fixed sleeps); a leader that dies closes the connections (the worker fails at
// once), a leader host that vanishes fails the keepalive (the worker fails within seconds).
namespace optml::mpi {

class JobStatusServer {
  public:
    // Listens on `port` on every address. Throws errors::Error(Cluster) when it cannot.
    explicit JobStatusServer(int port);
    JobStatusServer(const JobStatusServer&) = delete;
    JobStatusServer& operator=(const JobStatusServer&) = delete;
    // A leader that ends without announce() (an error before or during the job) tells the
    // workers that are already connected that the job failed.
    ~JobStatusServer();

    // Sends the outcome to every worker connected so far, waiting up to `grace` for the
    // `workers` expected ones (a worker whose train started late), then stops listening.
    void announce(bool succeeded, std::size_t workers, std::chrono::milliseconds grace);

  private:
    system::UniqueFd listener_;
};

enum class JobEnd { Succeeded, Failed, LeaderLost };

struct StatusWait {
    std::string leader;
    int port = 0;
    std::chrono::milliseconds connect_timeout{0};  // for the leader to open the port
    std::chrono::milliseconds interval{250};
    std::string setting;  // the variable that sets connect_timeout
};

// Worker side: connects to the leader (retrying until connect_timeout) and waits, without a
// deadline, for the job's end. Reaps adopted children meanwhile (mpirun's orted daemons end up
// under train, a subreaper). Throws errors::Error(Cluster) when the leader never opened the
// port, errors::StopRequested on a stop request.
JobEnd wait_for_job_end(const StatusWait& wait);

}  // namespace optml::mpi
