#pragma once

#include <signal.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "toolkit/system/unique_fd.hpp"
#include "toolkit/system/environment.hpp"

// Starting the Python side: `<python> -m optml_toolkit.serving.worker` with fd 3 connected
// to the front end and its output on pipes (SERVE_PROTOCOL.md, "Processes").
namespace optml::serve {

enum class Role { Loader, Worker };

struct LaunchContext {
    std::filesystem::path python;  // resolved executable
    system::EnvironmentSnapshot environment;
    std::filesystem::path model_dir;
    std::filesystem::path code_dir;
    // Prepended to PYTHONPATH when optml_toolkit is not installed (see find_package_dir).
    std::optional<std::filesystem::path> package_dir;
    std::string program;
    std::string default_accept;
    sigset_t child_mask{};
};

// The child's environment: the container's, PYTHONPATH with the code dir then the package
// dir first, and the OPTML_SERVE_* variables of the protocol.
std::vector<std::string> python_environment(const LaunchContext& context, Role role, int worker_id);

// The optml_toolkit source dir to put on PYTHONPATH: OPTML_PYTHON_PACKAGE_DIR when set, else
// <dir of serve>/../python when it holds optml_toolkit/serving/worker.py (the build tree,
// where CMake copies python/src), else none (the package is pip-installed).
std::optional<std::filesystem::path> find_package_dir(
    const std::optional<std::string>& override_dir, const std::filesystem::path& serve_executable);

// A direct child: the front end's connection, the pipes of its stdout and stderr.
struct StartedPython {
    pid_t pid = -1;
    system::UniqueFd connection;
    system::UniqueFd stdout_read;
    system::UniqueFd stderr_read;
};

// Spawns a process group leader with stdin /dev/null. Throws errors::Error(Supervision)
// naming the interpreter when it cannot start.
StartedPython start_python(const LaunchContext& context, Role role, int worker_id);

// What a forked worker needs from the front end (sent to the loader): the worker's end of
// the connection and the write ends of its output pipes; the front end keeps the others.
struct ForkEnds {
    system::UniqueFd worker_connection;
    system::UniqueFd stdout_write;
    system::UniqueFd stderr_write;
    system::UniqueFd connection;
    system::UniqueFd stdout_read;
    system::UniqueFd stderr_read;
};
ForkEnds make_fork_ends();

}  // namespace optml::serve
