#pragma once

#include <filesystem>

namespace optml::files {

// Extracts a tar archive (gzip-compressed or not), or a zip when `format` says so, into
// destination, which must exist. The whole archive is checked before anything is written: an
// absolute path, a '..' component, a symlink or hard link leading outside destination, a device,
// FIFO or socket entry rejects it with errors::Error(CodeAcquisition) naming the archive and the
// entry. Writes never follow a symlink, setuid/setgid bits are dropped, ownership is not restored.
enum class ArchiveFormat { TarOrTarGz, Zip };

void extract_archive_safely(const std::filesystem::path& archive,
                            const std::filesystem::path& destination,
                            ArchiveFormat format = ArchiveFormat::TarOrTarGz);

}  // namespace optml::files
