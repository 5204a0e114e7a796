#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace optml::system {

// Where execvp would find `name` on this PATH value: the first regular, executable file.
// A name containing '/' is returned as is when it is executable.
std::optional<std::filesystem::path> find_executable(std::string_view name, std::string_view path);

}  // namespace optml::system
