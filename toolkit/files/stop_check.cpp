#include "toolkit/files/stop_check.hpp"

#include <string>

#include "toolkit/errors/error.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"

namespace optml::files::detail {

bool stop_pending() {
    return process::stop_request_pending();
}

void stop_if_requested(std::string_view step) {
    if (auto stop = process::take_stop_request()) {
        throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                               " while " + std::string(step) +
                                               "; the program was not started.");
    }
}

}  // namespace optml::files::detail
