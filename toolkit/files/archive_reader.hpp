#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "toolkit/files/safe_extract.hpp"
#include "toolkit/system/unique_fd.hpp"

struct archive;
struct archive_entry;

namespace optml::files::detail {

// The archive file, opened once so that both passes read the very same file even if the
// path is replaced in between.
class ArchiveFile {
  public:
    explicit ArchiveFile(const std::filesystem::path& path,
                         ArchiveFormat format = ArchiveFormat::TarOrTarGz);

    int descriptor() const { return descriptor_.get(); }
    ArchiveFormat format() const { return format_; }
    const std::string& name() const { return name_; }

  private:
    std::string name_;
    system::UniqueFd descriptor_;
    ArchiveFormat format_;
};

// Streams the headers (and, on demand, the data) of an ArchiveFile from its first byte.
// Only tar is read (zip only where the caller names it: the SDK's remote-function workspace),
// plain or gzip-compressed: that is what the reference toolkit opens
// ("r:gz") and what the SDK uploads. Other formats (zip, cpio, ISO, ...) and filters that
// libarchive runs as external programs would only widen what a hostile upload can reach.
class ArchiveReader {
  public:
    explicit ArchiveReader(const ArchiveFile& file);
    ~ArchiveReader();
    ArchiveReader(const ArchiveReader&) = delete;
    ArchiveReader& operator=(const ArchiveReader&) = delete;

    // The next header, or nullptr at the end; valid until the next call.
    archive_entry* next();
    archive* handle() { return archive_; }
    // Throws errors::StopRequested when a stop made libarchive fail, otherwise
    // errors::Error(CodeAcquisition) with libarchive's reason.
    [[noreturn]] void fail(const std::string& context) const;

  private:
    static ssize_t read_block(archive* handle, void* reader, const void** block);
    static std::int64_t skip_bytes(archive* handle, void* reader, std::int64_t wanted);

    const ArchiveFile& file_;
    archive* archive_;
    std::vector<char> block_;
};

}  // namespace optml::files::detail
