#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace optml::launchers {

// Splits text into words as Python's shlex.split does: blanks separate, '...' is literal,
// "..." keeps blanks and lets a backslash escape only \\ and \", a backslash outside quotes
// makes the next character literal. Nothing is expanded or executed.
// Throws errors::Error(Configuration) naming `source` for an unterminated quote or a
// trailing backslash.
std::vector<std::string> split_shell_words(std::string_view text, std::string_view source);

}  // namespace optml::launchers
