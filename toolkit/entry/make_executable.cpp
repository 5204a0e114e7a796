#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <system_error>

#include "toolkit/entry/entry_point.hpp"

namespace optml::entry {

namespace fs = std::filesystem;

namespace {

class Descriptor {
  public:
    explicit Descriptor(int fd) : fd_(fd) {}
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

[[noreturn]] void refuse(const fs::path& file, const std::string& reason) {
    throw errors::Error(
        errors::ErrorKind::EntryPoint,
        "The entry point " + file.string() + " cannot be made executable: " + reason + ".");
}

// Non-blocking and without a controlling terminal: whatever the path names by now, opening
// it must not hang train or change its session. An unreadable file (mode 0300) is opened
// with O_PATH instead, which needs no read permission.
constexpr int kOpenFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
constexpr int kPathOnlyFlags = O_PATH | O_CLOEXEC;

// openat2 with RESOLVE_BENEATH: the kernel follows links, but none out of the code dir.
int open_beneath(int code_dir_fd, const fs::path& relative, int flags) {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(
        ::syscall(SYS_openat2, code_dir_fd, relative.c_str(), &how, sizeof how));
}

// Without openat2 (kernels before 5.6, seccomp filters that refuse it): the link-free path
// must stay inside the code dir, and the last step must not be a link any more.
int open_resolved_inside(const fs::path& code_dir, const fs::path& file, int flags) {
    std::error_code error;
    const fs::path resolved = fs::canonical(file, error);
    if (error) {
        errno = error.value();
        return -1;
    }
    const fs::path root = fs::canonical(code_dir, error);
    if (error) {
        errno = error.value();
        return -1;
    }
    const fs::path inside = resolved.lexically_relative(root);
    if (inside.empty() || *inside.begin() == "..") {
        errno = EXDEV;
        return -1;
    }
    return ::open(resolved.c_str(), flags | O_NOFOLLOW);
}

int open_entry_point(int code_dir_fd, const fs::path& code_dir, const fs::path& file,
                     const fs::path& relative, int flags) {
    const int fd = open_beneath(code_dir_fd, relative, flags);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return fd;
    return open_resolved_inside(code_dir, file, flags);
}

// fchmod refuses O_PATH descriptors; the descriptor's /proc link names the same file.
int change_mode(int fd, bool path_only) {
    if (!path_only) return ::fchmod(fd, 0755);
    return ::chmod(("/proc/self/fd/" + std::to_string(fd)).c_str(), 0755);
}

}  // namespace

void make_executable(const fs::path& code_dir, const fs::path& file) {
    const Descriptor root(::open(code_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (root.get() < 0) refuse(file, std::strerror(errno));
    const fs::path relative = file.lexically_relative(code_dir);
    if (relative.empty()) refuse(file, "it is not inside the code dir " + code_dir.string());
    bool path_only = false;
    int fd = open_entry_point(root.get(), code_dir, file, relative, kOpenFlags);
    if (fd < 0 && errno == EACCES) {
        path_only = true;
        fd = open_entry_point(root.get(), code_dir, file, relative, kPathOnlyFlags);
    }
    const Descriptor entry(fd);
    if (entry.get() < 0 && errno == EXDEV) {
        refuse(file, "it leads outside the code dir " + code_dir.string() +
                         " (train never changes files outside it)");
    }
    if (entry.get() < 0) refuse(file, std::strerror(errno));
    struct stat status {};
    if (::fstat(entry.get(), &status) != 0) refuse(file, std::strerror(errno));
    if (!S_ISREG(status.st_mode)) refuse(file, "it is not a regular file");
    if (change_mode(entry.get(), path_only) != 0) {
        const int error_number = errno;
        // A read-only code dir whose entry point is executable already is fine as it is.
        if ((status.st_mode & S_IXUSR) == 0) refuse(file, std::strerror(error_number));
    }
}

}  // namespace optml::entry
