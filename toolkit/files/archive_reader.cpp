#include "toolkit/files/archive_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/display.hpp"

namespace optml::files::detail {

namespace {

// Large reads keep gzip inflation and skipping cheap without holding much in memory.
constexpr std::size_t kReadBlockSize = 64 * 1024;

[[noreturn]] void fail_to_open(const std::string& archive_name, const std::string& problem) {
    throw errors::Error(errors::ErrorKind::CodeAcquisition,
                        "Cannot open archive " + quote_name(archive_name) + ": " + problem + ".");
}

[[noreturn]] void fail_with(const std::string& archive_name, const std::string& problem) {
    throw errors::Error(errors::ErrorKind::CodeAcquisition,
                        "Archive " + quote_name(archive_name) +
                            " is not a readable tar or tar.gz file: " + problem + ".");
}

}  // namespace

ArchiveFile::ArchiveFile(const std::filesystem::path& path)
    : name_(path.string()), descriptor_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (descriptor_ < 0) fail_to_open(name_, std::strerror(errno));
    struct stat status {};
    if (::fstat(descriptor_, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(descriptor_);
        fail_to_open(name_, "it is not a regular file");
    }
}

ArchiveFile::~ArchiveFile() {
    ::close(descriptor_);
}

ArchiveReader::ArchiveReader(const ArchiveFile& file) : file_(file), archive_(archive_read_new()) {
    if (archive_ == nullptr) fail_with(file_.name(), "out of memory");
    archive_read_support_filter_gzip(archive_);
    archive_read_support_format_tar(archive_);
    if (::lseek(file_.descriptor(), 0, SEEK_SET) != 0) {
        const std::string problem = std::strerror(errno);
        archive_read_free(archive_);
        fail_to_open(file_.name(), problem);
    }
    if (archive_read_open_fd(archive_, file_.descriptor(), kReadBlockSize) != ARCHIVE_OK) {
        const std::string problem = archive_error_string(archive_) != nullptr
                                        ? archive_error_string(archive_)
                                        : "it is not a tar archive";
        archive_read_free(archive_);
        fail_with(file_.name(), problem);
    }
}

ArchiveReader::~ArchiveReader() {
    archive_read_free(archive_);
}

archive_entry* ArchiveReader::next() {
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(archive_, &entry);
    if (status == ARCHIVE_EOF) return nullptr;
    // ARCHIVE_WARN covers names that cannot be converted to the current locale; libarchive
    // keeps their raw bytes, which is exactly what the reference writes to disk.
    if (status < ARCHIVE_WARN) fail("");
    return entry;
}

void ArchiveReader::fail(const std::string& context) const {
    const char* message = archive_error_string(archive_);
    std::string problem = message != nullptr ? message : "it is damaged or not a tar archive";
    while (!problem.empty() && (problem.back() == '.' || problem.back() == '\n'))
        problem.pop_back();
    fail_with(file_.name(), context.empty() ? problem : context + ": " + problem);
}

}  // namespace optml::files::detail
