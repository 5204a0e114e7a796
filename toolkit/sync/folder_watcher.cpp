#include "toolkit/sync/folder_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace optml::sync::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t watched_events =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DONT_FOLLOW | IN_ONLYDIR;

std::string joined(const std::string& folder, const std::string& name) {
    return folder.empty() ? name : folder + "/" + name;
}

}  // namespace

FolderWatcher::FolderWatcher(fs::path root) : root_(std::move(root)) {
    fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!fd_) throw std::system_error(errno, std::generic_category(), "inotify_init1");
    std::vector<std::string> ignored;
    watch_tree("", ignored);
}

void FolderWatcher::watch_tree(const std::string& relative, std::vector<std::string>& found) {
    const fs::path folder = relative.empty() ? root_ : root_ / relative;
    const int wd = ::inotify_add_watch(fd_.get(), folder.c_str(), watched_events);
    if (wd < 0) {
        // The root must be watchable; a subfolder may already be gone again.
        if (relative.empty())
            throw std::system_error(errno, std::generic_category(),
                                    "inotify_add_watch " + folder.string());
        return;
    }
    folders_[wd] = relative;
    std::error_code error;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        const fs::file_status status = it->symlink_status(error);
        const std::string child = joined(relative, it->path().filename().string());
        if (fs::is_directory(status))
            watch_tree(child, found);
        else if (fs::is_regular_file(status))
            found.push_back(child);
    }
}

std::vector<std::string> FolderWatcher::take_completed() {
    std::vector<std::string> completed;
    alignas(inotify_event) char buffer[64 * 1024];
    for (;;) {
        const ssize_t length = ::read(fd_.get(), buffer, sizeof buffer);
        if (length <= 0) break;  // EAGAIN: drained
        for (ssize_t offset = 0; offset < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            if (event->mask & IN_Q_OVERFLOW) {
                for (std::string& file : all_files()) completed.push_back(std::move(file));
                continue;
            }
            if (event->mask & IN_IGNORED) {
                folders_.erase(event->wd);
                continue;
            }
            const auto folder = folders_.find(event->wd);
            if (folder == folders_.end() || event->len == 0) continue;
            const std::string relative = joined(folder->second, event->name);
            if (event->mask & IN_ISDIR) {
                if (event->mask & (IN_CREATE | IN_MOVED_TO)) watch_tree(relative, completed);
            } else if (event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
                completed.push_back(relative);
            }
        }
    }
    return completed;
}

std::vector<std::string> FolderWatcher::all_files() const {
    std::vector<std::string> files;
    std::error_code error;
    for (fs::recursive_directory_iterator it(root_, error), end; !error && it != end;
         it.increment(error)) {
        if (it->is_regular_file(error) && !it->is_symlink(error)) {
            files.push_back(fs::relative(it->path(), root_, error).string());
        }
    }
    return files;
}

}  // namespace optml::sync::detail
