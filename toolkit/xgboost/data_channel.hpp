#pragma once

#include <filesystem>

namespace optml::xgboost {

// Whether the channel's folder holds at least one regular file (in any subfolder, whatever
// its size: an empty file is data the program must deal with). A missing folder holds none.
bool channel_has_files(const std::filesystem::path& channel_dir);

}  // namespace optml::xgboost
