#include "toolkit/system/own_executable.hpp"

namespace optml::system {

std::filesystem::path own_executable(std::error_code& error) {
    return std::filesystem::read_symlink("/proc/self/exe", error);
}

}  // namespace optml::system
