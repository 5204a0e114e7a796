#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace optml::process {

// A program to run, as data: launchers build these so command lines are unit-tested
// without spawning anything.
struct Command {
    std::string executable;         // path passed to execve (absolute, or relative to cwd)
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> env;   // the complete environment, "NAME=value" entries
    std::filesystem::path cwd;      // working directory of the program
    bool shell_fallback = false;    // on ENOEXEC (no shebang), run /bin/sh executable args...

    bool operator==(const Command&) const = default;
};

}  // namespace optml::process
