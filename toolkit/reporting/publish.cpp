#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "toolkit/logging/log.hpp"
#include "toolkit/reporting/verdict.hpp"

// The program owns output/ while it runs and may leave anything there: symlinks, a folder
// named `failure`, a read-only mount, a full disk. Status files are therefore written
// relative to a descriptor of output/ itself (never through a link), under a temporary name
// created exclusively, and renamed into place; whatever fails, the temporary file is removed
// and the caller still has the log and the exit code.
namespace optml::reporting {

namespace {

std::string reason(int error_number) {
    return std::strerror(error_number);
}

class DirectoryHandle {
  public:
    explicit DirectoryHandle(int fd) : fd_(fd) {}
    DirectoryHandle(const DirectoryHandle&) = delete;
    DirectoryHandle& operator=(const DirectoryHandle&) = delete;
    ~DirectoryHandle() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

// Creates output/ when missing (its parents may be links, output/ itself must not be one)
// and opens it without following a link. Logs and returns -1 on failure.
int open_output_dir(const std::filesystem::path& output_dir) {
    std::error_code ignored;
    if (output_dir.has_parent_path()) {
        std::filesystem::create_directories(output_dir.parent_path(), ignored);
    }
    if (::mkdir(output_dir.c_str(), 0755) != 0 && errno != EEXIST) {
        logging::error("cannot create " + output_dir.string() + ": " + reason(errno));
        return -1;
    }
    int fd = ::open(output_dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) return fd;
    const int error_number = errno;
    struct stat status = {};
    if (::lstat(output_dir.c_str(), &status) == 0 && S_ISLNK(status.st_mode)) {
        logging::error("cannot write status files in " + output_dir.string() +
                       ": it is a symbolic link, which train does not follow");
    } else if (error_number == ENOTDIR) {
        logging::error("cannot write status files in " + output_dir.string() +
                       ": it is not a directory");
    } else {
        logging::error("cannot open " + output_dir.string() + ": " + reason(error_number));
    }
    return -1;
}

bool write_all(int fd, const std::string& contents) {
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t step = ::write(fd, contents.data() + written, contents.size() - written);
        if (step < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        written += static_cast<std::size_t>(step);
    }
    return true;
}

// Creates `name` under the directory `directory_fd` with `contents`: written to a temporary
// file, then renamed over `name` (which replaces a link named `name`, never its target).
// Returns 0 or the errno of the step that failed, after removing the temporary file.
int write_file_atomically(int directory_fd, const std::string& name, const std::string& contents) {
    const std::string temporary = name + "." + std::to_string(::getpid()) + ".optml-tmp";
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = ::openat(directory_fd, temporary.c_str(), flags, 0644);
    if (fd < 0 && errno == EEXIST) {
        // Left by an earlier train with our pid, or planted: the name is ours to reuse.
        ::unlinkat(directory_fd, temporary.c_str(), 0);
        fd = ::openat(directory_fd, temporary.c_str(), flags, 0644);
    }
    if (fd < 0) return errno;
    int error_number = 0;
    if (!write_all(fd, contents)) error_number = errno;
    if (::close(fd) != 0 && error_number == 0) error_number = errno;
    if (error_number == 0 &&
        ::renameat(directory_fd, temporary.c_str(), directory_fd, name.c_str()) != 0) {
        error_number = errno;
    }
    if (error_number != 0) ::unlinkat(directory_fd, temporary.c_str(), 0);
    return error_number;
}

// What is already at output/<name>, without following a link.
enum class Existing { Nothing, RegularFile, Directory, Other };

Existing existing_entry(int directory_fd, const std::string& name) {
    struct stat status = {};
    if (::fstatat(directory_fd, name.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0) {
        return Existing::Nothing;
    }
    if (S_ISREG(status.st_mode)) return Existing::RegularFile;
    if (S_ISDIR(status.st_mode)) return Existing::Directory;
    return Existing::Other;  // a link or a special file: replaced by the rename
}

bool write_status_file(int directory_fd, const std::filesystem::path& output_dir,
                       const std::string& name, const std::string& contents) {
    const std::filesystem::path file = output_dir / name;
    if (existing_entry(directory_fd, name) == Existing::Directory) {
        logging::error("cannot write " + file.string() + ": a directory has that name");
        return false;
    }
    if (const int error_number = write_file_atomically(directory_fd, name, contents)) {
        logging::error("cannot write " + file.string() + ": " + reason(error_number));
        return false;
    }
    return true;
}

}  // namespace

bool publish(const std::filesystem::path& output_dir, const Verdict& verdict) {
    DirectoryHandle directory(open_output_dir(output_dir));
    if (directory.get() < 0) return false;
    if (verdict.succeeded()) return write_status_file(directory.get(), output_dir, "success", "");
    if (existing_entry(directory.get(), "failure") == Existing::RegularFile) {
        logging::info("keeping the failure file already in " + output_dir.string());
        return true;
    }
    return write_status_file(directory.get(), output_dir, "failure", *verdict.failure_reason);
}

}  // namespace optml::reporting
