#include "toolkit/files/directory_cleanup.hpp"

#include <system_error>
#include <vector>

namespace optml::files::detail {

namespace fs = std::filesystem;

namespace {

// An archive may have left read-only folders, whose children cannot be unlinked; the owner
// can always give write access back. The iterator descends only after a folder has been
// visited, so fixing each folder on sight lets it enter even folders extracted as 000.
// Links are never followed: only what is really inside gets its mode changed.
void make_folders_writable(const fs::path& folder) {
    std::error_code error;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied,
                                        error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        std::error_code status_error;
        if (it->symlink_status(status_error).type() == fs::file_type::directory) {
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, status_error);
        }
    }
}

}  // namespace

void clear_directory_contents(const fs::path& folder) noexcept {
    try {
        make_folders_writable(folder);
        std::error_code error;
        std::vector<fs::path> children;
        for (fs::directory_iterator it(folder, error); !error && it != fs::directory_iterator();
             it.increment(error)) {
            children.push_back(it->path());
        }
        for (const fs::path& child : children) fs::remove_all(child, error);
    } catch (...) {
        // Allocation failure while already failing: leave the rest behind.
    }
}

}  // namespace optml::files::detail
