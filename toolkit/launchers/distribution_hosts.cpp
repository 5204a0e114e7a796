#include "toolkit/launchers/distribution_hosts.hpp"

#include <algorithm>

#include "toolkit/errors/error.hpp"

namespace optml::launchers {

std::size_t distribution_index(const config::TrainingEnv& env) {
    const auto& hosts = env.distribution_hosts;
    auto found = std::find(hosts.begin(), hosts.end(), env.current_host);
    if (found == hosts.end()) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "resourceconfig.json: the current host " + env.current_host +
                                " is not among the hosts of the distribution instance groups, "
                                "so it cannot take part in the distributed launch.");
    }
    return static_cast<std::size_t>(found - hosts.begin());
}

}  // namespace optml::launchers
