#include "toolkit/files/disk_writer.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <utility>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/archive_reader.hpp"
#include "toolkit/files/display.hpp"
#include "toolkit/files/stop_check.hpp"

namespace optml::files::detail {

namespace {

// The policy already refused anything that could escape; these make libarchive refuse it
// again on its own, as a second line. SECURE_NOABSOLUTEPATHS is left out on purpose: it only
// accepts relative names, which libarchive resolves against the working directory, so it
// would take a chdir() into the destination, moving the cwd under every other thread of
// train. Entries are written as "<canonical destination>/<relative path>" instead, the
// relative part checked by the policy and again by under() in safe_extract.cpp; canonical,
// so that SECURE_SYMLINKS does not trip on a link above the destination (e.g. /tmp -> ...).
// PERM keeps the archive's modes (the caller masks setuid/setgid/sticky away); OWNER is left
// out so files belong to whoever runs train; TIME matches tarfile.extractall.
constexpr int kWriteOptions = ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                              ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME;

}  // namespace

DiskWriter::DiskWriter(std::string archive_name)
    : archive_name_(std::move(archive_name)), archive_(archive_write_disk_new()) {
    if (archive_ == nullptr ||
        archive_write_disk_set_options(archive_, kWriteOptions) != ARCHIVE_OK) {
        archive_write_free(archive_);
        throw errors::Error(errors::ErrorKind::CodeAcquisition,
                            "Cannot extract archive " + quote_name(archive_name_) +
                                ": libarchive could not set up its disk writer.");
    }
}

DiskWriter::~DiskWriter() {
    archive_write_free(archive_);
}

void DiskWriter::write(archive_entry* entry, ArchiveReader& reader, const std::string& entry_name) {
    if (archive_write_header(archive_, entry) < ARCHIVE_WARN) fail(entry_name);
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
        const int status = archive_read_data_block(reader.handle(), &block, &size, &offset);
        if (status == ARCHIVE_EOF) break;
        if (status < ARCHIVE_WARN) reader.fail("entry " + quote_name(entry_name));
        // A block inflates to far more than it reads (a highly compressed file): ask here too.
        if (stop_pending()) stop_if_requested("extracting the code archive");
        // libarchive reports a failed write() (disk full, EFBIG past RLIMIT_FSIZE, EIO) as a
        // mere ARCHIVE_WARN; the data did not reach the disk, so it fails the extraction.
        // Warnings without an OS error (data for an entry that has none) stay harmless.
        const la_ssize_t written = archive_write_data_block(archive_, block, size, offset);
        if (written < ARCHIVE_WARN || (written < ARCHIVE_OK && archive_errno(archive_) != 0)) {
            fail(entry_name);
        }
    }
    if (archive_write_finish_entry(archive_) < ARCHIVE_WARN) fail(entry_name);
}

void DiskWriter::finish() {
    if (archive_write_close(archive_) < ARCHIVE_WARN) fail("");
}

void DiskWriter::fail(const std::string& entry_name) const {
    const char* message = archive_error_string(archive_);
    std::string problem = message != nullptr ? message : "unknown error";
    while (!problem.empty() && problem.back() == '.') problem.pop_back();
    // "Write failed" alone would hide the reason (a full disk, the file size limit).
    if (const int error_number = archive_errno(archive_); error_number > 0) {
        const std::string reason = std::strerror(error_number);
        if (problem.find(reason) == std::string::npos) problem += ": " + reason;
    }
    const std::string what =
        entry_name.empty() ? "archive " : "entry " + quote_name(entry_name) + " of archive ";
    throw errors::Error(
        errors::ErrorKind::CodeAcquisition,
        "Cannot extract " + what + quote_name(archive_name_) + ": " + problem + ".");
}

}  // namespace optml::files::detail
