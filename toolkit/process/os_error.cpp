#include "toolkit/process/os_error.hpp"

#include <cstring>

#include "toolkit/errors/error.hpp"

namespace optml::process {

namespace {

// strerror_r comes in a GNU flavour (returns the text) and an XSI one (fills the buffer);
// overloading on the return type accepts whichever the C library declares.
[[maybe_unused]] const char* strerror_result(char* text, const char*) {
    return text;
}
[[maybe_unused]] const char* strerror_result(int status, const char* buffer) {
    return status == 0 ? buffer : "Unknown error";
}

}  // namespace

std::string error_text(int error_number) {
    char buffer[256] = {};
    return strerror_result(strerror_r(error_number, buffer, sizeof buffer), buffer);
}

void throw_supervision_error(std::string_view what, int error_number) {
    throw errors::Error(errors::ErrorKind::Supervision,
                        std::string(what) + ": " + error_text(error_number));
}

}  // namespace optml::process
