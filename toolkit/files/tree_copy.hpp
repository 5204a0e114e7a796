#pragma once

#include <filesystem>

namespace optml::files::detail {

// Copies everything inside source into destination (an existing, empty folder): folders,
// regular files with their rwx bits and modification times, and symbolic links as links
// with their text unchanged. Links are never followed, so nothing outside source is read.
// A folder that is destination itself (a code dir inside the submit dir) is skipped.
// Throws errors::Error(CodeAcquisition) naming the path that could not be copied.
void copy_tree(const std::filesystem::path& source, const std::filesystem::path& destination);

}  // namespace optml::files::detail
