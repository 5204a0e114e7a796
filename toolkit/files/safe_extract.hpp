#pragma once

#include <filesystem>

namespace optml::files {

// Extracts a tar archive (gzip-compressed or not) into destination, which must exist.
// The whole archive is checked before anything is written: an absolute path, a '..'
// component, a symlink or hard link leading outside destination, a device, FIFO or socket
// entry rejects it with errors::Error(CodeAcquisition) naming the archive and the entry.
// Writes never follow a symlink, setuid/setgid bits are dropped, ownership is not restored.
void extract_archive_safely(const std::filesystem::path& archive,
                            const std::filesystem::path& destination);

}  // namespace optml::files
