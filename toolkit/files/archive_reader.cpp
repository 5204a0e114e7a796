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
#include "toolkit/files/stop_check.hpp"

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

ArchiveFile::ArchiveFile(const std::filesystem::path& path, ArchiveFormat format)
    : name_(path.string()),
      descriptor_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)),
      format_(format) {
    if (!descriptor_) fail_to_open(name_, std::strerror(errno));
    struct stat status {};
    if (::fstat(descriptor_.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
        fail_to_open(name_, "it is not a regular file");
    }
}

ArchiveReader::ArchiveReader(const ArchiveFile& file)
    : file_(file), archive_(archive_read_new()), block_(kReadBlockSize) {
    if (archive_ == nullptr) fail_with(file_.name(), "out of memory");
    if (file_.format() == ArchiveFormat::Zip) {
        // Read front to back like tar: the local headers, no seeking to the central directory.
        archive_read_support_format_zip_streamable(archive_);
    } else {
        archive_read_support_filter_gzip(archive_);
        archive_read_support_format_tar(archive_);
    }
    if (::lseek(file_.descriptor(), 0, SEEK_SET) != 0) {
        const std::string problem = std::strerror(errno);
        archive_read_free(archive_);
        fail_to_open(file_.name(), problem);
    }
    // Our own callbacks instead of archive_read_open_fd: every block read (also while
    // libarchive skips or inflates an entry nobody asked for) is a point to honour a stop.
    if (archive_read_open2(archive_, this, nullptr, read_block, skip_bytes, nullptr) !=
        ARCHIVE_OK) {
        const std::string problem = archive_error_string(archive_) != nullptr
                                        ? archive_error_string(archive_)
                                        : "it is not a tar archive";
        archive_read_free(archive_);
        stop_if_requested("extracting the code archive");
        fail_with(file_.name(), problem);
    }
}

ArchiveReader::~ArchiveReader() {
    archive_read_free(archive_);
}

ssize_t ArchiveReader::read_block(archive* handle, void* reader, const void** block) {
    auto* self = static_cast<ArchiveReader*>(reader);
    if (stop_pending()) {
        archive_set_error(handle, ECANCELED, "stopped");
        return -1;
    }
    ssize_t got = 0;
    do {
        got = ::read(self->file_.descriptor(), self->block_.data(), self->block_.size());
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        archive_set_error(handle, errno, "%s", std::strerror(errno));
        return -1;
    }
    *block = self->block_.data();
    return got;
}

std::int64_t ArchiveReader::skip_bytes(archive*, void* reader, std::int64_t wanted) {
    auto* self = static_cast<ArchiveReader*>(reader);
    // 0 makes libarchive read through instead, and read_block notices the stop.
    if (stop_pending() || wanted <= 0) return 0;
    if (::lseek(self->file_.descriptor(), wanted, SEEK_CUR) < 0) return 0;
    return wanted;
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
    stop_if_requested("extracting the code archive");
    const char* message = archive_error_string(archive_);
    std::string problem = message != nullptr ? message : "it is damaged or not a tar archive";
    while (!problem.empty() && (problem.back() == '.' || problem.back() == '\n'))
        problem.pop_back();
    fail_with(file_.name(), context.empty() ? problem : context + ": " + problem);
}

}  // namespace optml::files::detail
