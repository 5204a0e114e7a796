#include "toolkit/process/signal_name.hpp"

#include <signal.h>
#include <string.h>

namespace optml::process {

std::string signal_name(int signal_number) {
    const char* abbreviation = ::sigabbrev_np(signal_number);
    if (abbreviation == nullptr) {
        if (signal_number >= SIGRTMIN && signal_number <= SIGRTMAX) {
            return "SIGRTMIN+" + std::to_string(signal_number - SIGRTMIN);
        }
        return "signal " + std::to_string(signal_number);
    }
    return std::string("SIG") + abbreviation;
}

}  // namespace optml::process
