#pragma once

#include <string>
#include <string_view>

// Internal to toolkit/process: turning errno values into messages and Supervision errors.
namespace optml::process {

// strerror text of an errno value, safe to call from any thread.
std::string error_text(int error_number);

// Throws errors::Error(Supervision) "<what>: <strerror>".
[[noreturn]] void throw_supervision_error(std::string_view what, int error_number);

}  // namespace optml::process
