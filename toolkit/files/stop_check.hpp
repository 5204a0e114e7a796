#pragma once

#include <string_view>

namespace optml::files::detail {

// Code acquisition can take minutes (a large archive, a slow download); a stop request must
// end it within a second. Loops ask stop_pending() between blocks: it leaves the request
// pending, so code deep inside libarchive or libcurl can just fail its call and let the
// caller, back in C++, turn it into the stop with stop_if_requested().
bool stop_pending();

// Throws errors::StopRequested ("train received SIGTERM while <step>; ...") when a stop
// request is pending, taking it.
void stop_if_requested(std::string_view step);

}  // namespace optml::files::detail
