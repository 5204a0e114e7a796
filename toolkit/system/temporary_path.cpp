#include "toolkit/system/temporary_path.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "toolkit/system/unique_fd.hpp"

namespace optml::system {

namespace {

std::string pattern_for(std::string_view prefix, std::string_view suffix) {
    return (std::filesystem::temp_directory_path() / prefix).string() + "XXXXXX" +
           std::string(suffix);
}

}  // namespace

TemporaryDirectory::TemporaryDirectory(std::string_view prefix) {
    std::string pattern = pattern_for(prefix, "");
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp");
    }
    path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

TemporaryFile::TemporaryFile(std::string_view prefix, std::string_view suffix) {
    std::string pattern = pattern_for(prefix, suffix);
    const UniqueFd created(::mkstemps(pattern.data(), static_cast<int>(suffix.size())));
    if (!created) throw std::system_error(errno, std::generic_category(), "mkstemps");
    path_ = pattern;
}

TemporaryFile::~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

}  // namespace optml::system
