#pragma once

#include "toolkit/system/unique_fd.hpp"

// What the runners' status channels (mpi/'s job status, xgboost/'s leader channel) share.
namespace optml::cluster {

// A non-blocking TCP listener on every IPv6 and IPv4 address of `port`, bindable again at
// once after a job ends (SO_REUSEADDR). An invalid descriptor, with errno set, on failure.
system::UniqueFd listen_on_every_address(int port);

// Dead peers show up within ~2 + 5 x 1 s (and unacknowledged data within 7 s) instead of the
// kernel's default two hours. A listener's setting is inherited by what it accepts.
void keep_alive(int fd);

}  // namespace optml::cluster
