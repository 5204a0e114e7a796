#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "toolkit/system/unique_fd.hpp"

namespace optml::sync::detail {

// Watches a folder tree with inotify and reports files that are complete: closed after
// writing (IN_CLOSE_WRITE) or renamed into place (IN_MOVED_TO). New subfolders are watched as
// they appear, and whatever they already hold is reported, since it may have been written
// before the watch existed.
class FolderWatcher {
  public:
    explicit FolderWatcher(std::filesystem::path root);  // throws std::system_error
    FolderWatcher(const FolderWatcher&) = delete;
    FolderWatcher& operator=(const FolderWatcher&) = delete;

    int fd() const { return fd_.get(); }  // readable when events are pending (non-blocking)

    // Paths relative to the root of files completed since the last call. After an event
    // queue overflow, every file of the tree is reported (the caller skips unchanged ones).
    std::vector<std::string> take_completed();

    // Every regular file under the root, relative.
    std::vector<std::string> all_files() const;

  private:
    void watch_tree(const std::string& relative, std::vector<std::string>& found);

    std::filesystem::path root_;
    system::UniqueFd fd_;
    std::map<int, std::string> folders_;  // watch descriptor → folder relative to root ("" = root)
};

}  // namespace optml::sync::detail
