#include "toolkit/xgboost/data_channel.hpp"

#include <system_error>

namespace optml::xgboost {

bool channel_has_files(const std::filesystem::path& channel_dir) {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::recursive_directory_iterator entries(channel_dir,
                                             fs::directory_options::skip_permission_denied, error);
    for (; !error && entries != fs::recursive_directory_iterator(); entries.increment(error)) {
        std::error_code ignored;
        if (entries->is_regular_file(ignored)) return true;
    }
    return false;
}

}  // namespace optml::xgboost
