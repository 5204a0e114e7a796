#pragma once

#include <string>

struct archive;
struct archive_entry;

namespace optml::files::detail {

class ArchiveReader;

// libarchive's disk writer, set up for entries the EntryPolicy already accepted and whose
// names were rewritten to absolute paths under the canonical destination.
class DiskWriter {
  public:
    explicit DiskWriter(std::string archive_name);
    ~DiskWriter();
    DiskWriter(const DiskWriter&) = delete;
    DiskWriter& operator=(const DiskWriter&) = delete;

    // Writes entry and streams its data from reader; entry_name is the name shown in errors.
    void write(archive_entry* entry, ArchiveReader& reader, const std::string& entry_name);
    // Applies the folder modes and times that libarchive defers until every entry is in.
    void finish();

  private:
    [[noreturn]] void fail(const std::string& entry_name) const;

    std::string archive_name_;
    archive* archive_;
};

}  // namespace optml::files::detail
