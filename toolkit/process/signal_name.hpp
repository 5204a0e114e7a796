#pragma once

#include <string>

namespace optml::process {

// "SIGKILL" for 9, "SIGRTMIN+3" for real-time signals, "signal N" for anything else.
std::string signal_name(int signal_number);

}  // namespace optml::process
