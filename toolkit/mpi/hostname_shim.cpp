#include "toolkit/mpi/hostname_shim.hpp"

#include <system_error>

namespace optml::mpi {

std::optional<std::string> hostname_shim_beside(const std::filesystem::path& train_executable) {
    const std::filesystem::path shim = train_executable.parent_path() / kHostnameShimName;
    std::error_code error;
    if (!shim.is_absolute() || !std::filesystem::is_regular_file(shim, error)) {
        return std::nullopt;
    }
    const std::string text = shim.string();
    if (text.find_first_of(" :") != std::string::npos) return std::nullopt;
    return text;
}

}  // namespace optml::mpi
