#include "toolkit/files/safe_extract.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <system_error>
#include <vector>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/archive_reader.hpp"
#include "toolkit/files/disk_writer.hpp"
#include "toolkit/files/display.hpp"
#include "toolkit/files/entry_policy.hpp"
#include "toolkit/files/stop_check.hpp"

namespace optml::files {

namespace fs = std::filesystem;
using detail::EntryType;

namespace {

// What the first pass saw and accepted for one header. The second pass must meet exactly the
// same headers, otherwise the file changed under us and the checks no longer hold.
struct CheckedEntry {
    std::string name;
    EntryType type;
    std::string link_target;
    detail::AdmittedEntry admitted;
};

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : std::string();
}

EntryType entry_type(archive_entry* entry) {
    // A tar hard link is a regular-file header that also names a link target.
    if (archive_entry_hardlink(entry) != nullptr) return EntryType::HardLink;
    switch (archive_entry_filetype(entry)) {
        case AE_IFREG:
            return EntryType::RegularFile;
        case AE_IFDIR:
            return EntryType::Directory;
        case AE_IFLNK:
            return EntryType::SymbolicLink;
        case AE_IFCHR:
            return EntryType::CharacterDevice;
        case AE_IFBLK:
            return EntryType::BlockDevice;
        case AE_IFIFO:
            return EntryType::Fifo;
        case AE_IFSOCK:
            return EntryType::Socket;
        default:
            return EntryType::Other;
    }
}

std::string link_target_of(archive_entry* entry, EntryType type) {
    if (type == EntryType::HardLink) return text_or_empty(archive_entry_hardlink(entry));
    if (type == EntryType::SymbolicLink) return text_or_empty(archive_entry_symlink(entry));
    return {};
}

fs::path canonical_destination(const fs::path& destination, const std::string& archive_name) {
    std::error_code error;
    fs::path canonical = fs::canonical(destination, error);
    if (error || !fs::is_directory(canonical, error)) {
        throw errors::Error(errors::ErrorKind::CodeAcquisition,
                            "Cannot extract archive " + detail::quote_name(archive_name) +
                                ": destination " + detail::quote_name(destination.string()) +
                                " is not an existing folder.");
    }
    return canonical;
}

std::vector<CheckedEntry> check_entries(const detail::ArchiveFile& file, const fs::path& root) {
    detail::ArchiveReader reader(file);
    detail::EntryPolicy policy(file.name(), root);
    std::vector<CheckedEntry> checked;
    while (archive_entry* entry = reader.next()) {
        CheckedEntry record;
        // A name that cannot be read at all is refused by the policy as an empty name.
        record.name = text_or_empty(archive_entry_pathname(entry));
        record.type = entry_type(entry);
        record.link_target = link_target_of(entry, record.type);
        record.admitted = policy.admit({record.name, record.type, record.link_target});
        checked.push_back(std::move(record));
    }
    policy.check_links();
    return checked;
}

// root / path would silently become path if path were absolute; the policy never lets one
// through, and this keeps a future slip there from becoming a write outside root.
fs::path under(const fs::path& root, const std::string& relative_path) {
    const fs::path relative(relative_path);
    if (relative_path.empty() || !relative.is_relative()) {
        throw errors::Error(errors::ErrorKind::Internal,
                            "Entry path " + detail::quote_name(relative_path) +
                                " reached extraction without being made relative.");
    }
    return root / relative;
}

[[noreturn]] void archive_changed(const std::string& archive_name) {
    throw errors::Error(
        errors::ErrorKind::CodeAcquisition,
        "Archive " + detail::quote_name(archive_name) + " changed while it was being extracted.");
}

void write_entries(const detail::ArchiveFile& file, const fs::path& root,
                   const std::vector<CheckedEntry>& checked) {
    detail::ArchiveReader reader(file);
    detail::DiskWriter writer(file.name());
    for (const CheckedEntry& expected : checked) {
        if (detail::stop_pending()) detail::stop_if_requested("extracting the code archive");
        archive_entry* entry = reader.next();
        if (entry == nullptr) archive_changed(file.name());
        const EntryType type = entry_type(entry);
        if (text_or_empty(archive_entry_pathname(entry)) != expected.name ||
            type != expected.type || link_target_of(entry, type) != expected.link_target) {
            archive_changed(file.name());
        }
        if (expected.admitted.relative_path.empty()) continue;
        archive_entry_set_pathname(entry, under(root, expected.admitted.relative_path).c_str());
        if (type == EntryType::HardLink) {
            archive_entry_set_hardlink(entry, under(root, expected.admitted.link_target).c_str());
        }
        // Code is run, not installed system-wide: setuid, setgid and sticky bits have no place.
        archive_entry_set_perm(entry, archive_entry_perm(entry) & 0777);
        writer.write(entry, reader, expected.name);
    }
    if (reader.next() != nullptr) archive_changed(file.name());
    writer.finish();
}

}  // namespace

void extract_archive_safely(const fs::path& archive, const fs::path& destination,
                            ArchiveFormat format) {
    const detail::ArchiveFile file(archive, format);
    const fs::path root = canonical_destination(destination, file.name());
    // Two passes over the stream instead of buffering it: nothing touches the disk until
    // every header has been accepted, and memory stays proportional to the entry count.
    const std::vector<CheckedEntry> checked = check_entries(file, root);
    write_entries(file, root, checked);
}

}  // namespace optml::files
