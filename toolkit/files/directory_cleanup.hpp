#pragma once

#include <filesystem>

namespace optml::files::detail {

// Removes everything inside folder, keeping folder itself. Best effort and silent: it runs
// while another error is already on its way out, and that error is the one worth reporting.
void clear_directory_contents(const std::filesystem::path& folder) noexcept;

}  // namespace optml::files::detail
