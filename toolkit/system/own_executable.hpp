#pragma once

#include <filesystem>
#include <system_error>

namespace optml::system {

// The absolute path of the running executable (/proc/self/exe), for programs that must find
// files shipped beside it or run it again; empty with `error` set when the kernel does not say.
std::filesystem::path own_executable(std::error_code& error);

}  // namespace optml::system
