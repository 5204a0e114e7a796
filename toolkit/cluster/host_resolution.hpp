#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace optml::cluster {

// Waits until every host name resolves (hosts of a cluster appear in DNS as their
// containers start). Retries with a growing pause until the deadline, then throws
// errors::Error(HostResolution) naming the first host that never resolved, or
// errors::StopRequested when train is asked to stop meanwhile.
void wait_for_hosts(const std::vector<std::string>& hosts, std::chrono::milliseconds timeout);

}  // namespace optml::cluster
