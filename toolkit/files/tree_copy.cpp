#include "toolkit/files/tree_copy.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/display.hpp"
#include "toolkit/files/stop_check.hpp"

namespace optml::files::detail {

namespace fs = std::filesystem;

namespace {

// Only the rwx bits travel: setuid, setgid and sticky bits have no business in user code.
constexpr fs::perms kCopiedBits =
    fs::perms::owner_all | fs::perms::group_all | fs::perms::others_all;

// Big enough to copy fast, small enough to notice a stop request within a fraction of a second.
constexpr std::size_t kCopyChunk = 8 << 20;

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    // close() can be the first to report a failed write (NFS, quotas): its result counts.
    bool close() {
        const int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0 || errno == EINTR;
    }

  private:
    int fd_;
};

std::error_code last_error() {
    return {errno, std::generic_category()};
}

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) return false;
        data += written;
        size -= static_cast<std::size_t>(written);
    }
    return true;
}

// One chunk from `from` to `to`: sendfile where the file systems allow it, read/write where
// they do not. Returns the bytes copied (0 at the end) or -1 with errno set.
ssize_t copy_chunk(int from, int to, bool& use_sendfile, std::vector<char>& buffer) {
    if (use_sendfile) {
        const ssize_t sent = ::sendfile(to, from, nullptr, kCopyChunk);
        if (sent >= 0 || (errno != EINVAL && errno != ENOSYS)) return sent;
        use_sendfile = false;
    }
    buffer.resize(1 << 20);
    ssize_t got = 0;
    do {
        got = ::read(from, buffer.data(), buffer.size());
    } while (got < 0 && errno == EINTR);
    if (got > 0 && !write_all(to, buffer.data(), static_cast<std::size_t>(got))) return -1;
    return got;
}

struct CopiedFolder {
    fs::path source;
    fs::path target;
};

class TreeCopier {
  public:
    TreeCopier(const fs::path& source, const fs::path& destination)
        : source_(source), destination_(destination) {}

    void run() {
        std::error_code error;
        fs::recursive_directory_iterator it(source_, fs::directory_options::none, error);
        if (error) fail("cannot list", source_, error);
        while (it != fs::recursive_directory_iterator()) {
            if (stop_pending()) stop_if_requested("copying the code");
            // Advancing opens the folder just copied, if any: that is the likely culprit.
            const fs::path listed = copy_entry(it) ? it->path() : it->path().parent_path();
            it.increment(error);
            if (error) fail("cannot list", listed, error);
        }
        // Folder modes last, deepest first: a read-only folder must not block its children.
        for (auto folder = folders_.rbegin(); folder != folders_.rend(); ++folder) {
            copy_metadata(folder->source, folder->target);
        }
    }

  private:
    // True when the entry is a folder the iterator will enter next.
    bool copy_entry(fs::recursive_directory_iterator& it) {
        const fs::path& from = it->path();
        const fs::path to = destination_ / from.lexically_relative(source_);
        std::error_code error;
        const fs::file_status status = it->symlink_status(error);
        if (error) fail("cannot inspect", from, error);
        switch (status.type()) {
            case fs::file_type::symlink: {
                const fs::path link_text = fs::read_symlink(from, error);
                if (error) fail("cannot read the link", from, error);
                fs::create_symlink(link_text, to, error);
                if (error) fail("cannot create the link", to, error);
                break;
            }
            case fs::file_type::directory:
                if (fs::equivalent(from, destination_, error)) {
                    it.disable_recursion_pending();
                    return false;
                }
                fs::create_directory(to, error);
                if (error) fail("cannot create the folder", to, error);
                folders_.push_back({from, to});
                return true;
            case fs::file_type::regular:
                copy_file(from, to);
                copy_metadata(from, to);
                break;
            default:
                throw errors::Error(errors::ErrorKind::CodeAcquisition,
                                    "Cannot copy sagemaker_submit_directory " +
                                        quote_name(source_.string()) + ": " +
                                        quote_name(from.string()) +
                                        " is not a file, folder or symbolic link.");
        }
        return false;
    }

    // Every write and the close are checked: a full disk must fail the copy, never leave
    // a silently truncated file behind. A stop request ends it between chunks.
    void copy_file(const fs::path& from, const fs::path& to) {
        FileDescriptor source(::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (source.get() < 0) fail("cannot open the file", from, last_error());
        FileDescriptor target(
            ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (target.get() < 0) fail("cannot create the file", to, last_error());
        bool use_sendfile = true;
        std::vector<char> buffer;
        for (;;) {
            if (stop_pending()) stop_if_requested("copying the code");
            const ssize_t copied = copy_chunk(source.get(), target.get(), use_sendfile, buffer);
            if (copied == 0) break;
            if (copied < 0 && errno == EINTR) continue;
            if (copied < 0) fail("cannot copy the file", from, last_error());
        }
        if (!target.close()) fail("cannot write the file", to, last_error());
    }

    void copy_metadata(const fs::path& from, const fs::path& to) {
        std::error_code error;
        const fs::perms bits = fs::status(from, error).permissions() & kCopiedBits;
        if (!error) fs::permissions(to, bits, fs::perm_options::replace, error);
        if (error) fail("cannot copy the mode of", from, error);
        const fs::file_time_type modified = fs::last_write_time(from, error);
        if (!error) fs::last_write_time(to, modified, error);
        if (error) fail("cannot copy the modification time of", from, error);
    }

    [[noreturn]] void fail(const std::string& action, const fs::path& path,
                           const std::error_code& error) const {
        throw errors::Error(errors::ErrorKind::CodeAcquisition,
                            "Cannot copy sagemaker_submit_directory " +
                                quote_name(source_.string()) + " into " +
                                quote_name(destination_.string()) + ": " + action + " " +
                                quote_name(path.string()) + " (" + error.message() + ").");
    }

    const fs::path& source_;
    const fs::path& destination_;
    std::vector<CopiedFolder> folders_;
};

}  // namespace

void copy_tree(const fs::path& source, const fs::path& destination) {
    TreeCopier(source, destination).run();
}

}  // namespace optml::files::detail
