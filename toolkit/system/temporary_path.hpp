#pragma once

#include <filesystem>
#include <string_view>

namespace optml::system {

// A new empty directory under the system's temporary directory (TMPDIR, else /tmp), named
// `prefix` and six random characters, removed with its contents when the owner goes away.
// Throws std::system_error when it cannot be created.
class TemporaryDirectory {
  public:
    explicit TemporaryDirectory(std::string_view prefix);
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    ~TemporaryDirectory();

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// A new empty file (mode 0600) there, named `prefix`, six random characters and `suffix`,
// removed when the owner goes away. Throws std::system_error when it cannot be created.
class TemporaryFile {
  public:
    TemporaryFile(std::string_view prefix, std::string_view suffix);
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile();

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace optml::system
