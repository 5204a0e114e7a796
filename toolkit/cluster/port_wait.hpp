#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "toolkit/system/unique_fd.hpp"

namespace optml::cluster {

// What a port wait is for, so its error can say which service and which setting.
struct PortWait {
    std::vector<std::string> hosts;
    int port = 22;
    std::chrono::milliseconds timeout{0};
    std::chrono::milliseconds interval{250};
    std::string service;  // e.g. "sshd"
    std::string setting;  // the variable that sets `timeout`, e.g. "OPTML_MPI_WORKERS_TIMEOUT"
};

// Waits until every host accepts a TCP connection on the port, retrying each `interval`
// until one deadline for all. Throws errors::Error(Cluster) naming the first host that never
// answered, or errors::StopRequested when train is asked to stop meanwhile.
void wait_for_ports(const PortWait& wait);

// One TCP connection attempt bounded by `timeout`: the connected descriptor, or none.
system::UniqueFd connect_with_timeout(const std::string& host, int port,
                                      std::chrono::milliseconds timeout);

}  // namespace optml::cluster
