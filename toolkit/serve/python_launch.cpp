#include "toolkit/serve/python_launch.hpp"

#include <array>

#include "toolkit/errors/error.hpp"
#include "toolkit/process/command.hpp"
#include "toolkit/process/pipe.hpp"
#include "toolkit/process/spawn.hpp"

namespace optml::serve {

std::vector<std::string> python_environment(const LaunchContext& context, Role role,
                                            int worker_id) {
    std::string python_path = context.code_dir.string();
    if (context.package_dir) python_path += ":" + context.package_dir->string();
    if (auto existing = context.environment.get("PYTHONPATH"); existing && !existing->empty()) {
        python_path += ":" + *existing;
    }
    std::vector<std::pair<std::string, std::string>> overrides = {
        {"PYTHONPATH", python_path},
        {"PYTHONUNBUFFERED", "1"},
        {"OPTML_SERVE_FD", "3"},
        {"OPTML_SERVE_ROLE", role == Role::Loader ? "loader" : "worker"},
        {"OPTML_SERVE_MODEL_DIR", context.model_dir.string()},
        {"OPTML_SERVE_CODE_DIR", context.code_dir.string()},
        {"SAGEMAKER_PROGRAM", context.program},
        {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", context.default_accept},
    };
    if (role == Role::Worker)
        overrides.emplace_back("OPTML_SERVE_WORKER_ID", std::to_string(worker_id));
    std::vector<std::string> environment =
        system::merge_environment(context.environment, overrides);
    if (role == Role::Loader) {
        // A loader inherits no stale worker id from serve's own environment.
        std::erase_if(environment, [](const std::string& entry) {
            return entry.starts_with("OPTML_SERVE_WORKER_ID=");
        });
    }
    return environment;
}

std::optional<std::filesystem::path> find_package_dir(
    const std::optional<std::string>& override_dir, const std::filesystem::path& serve_executable) {
    if (override_dir) return std::filesystem::path(*override_dir);
    const auto candidate = serve_executable.parent_path().parent_path() / "python";
    std::error_code ignored;
    if (std::filesystem::exists(candidate / "optml_toolkit" / "serving" / "worker.py", ignored)) {
        return candidate.lexically_normal();
    }
    return std::nullopt;
}

StartedPython start_python(const LaunchContext& context, Role role, int worker_id) {
    process::Command command;
    command.executable = context.python.string();
    command.argv = {context.python.string(), "-m", "optml_toolkit.serving.worker"};
    command.env = python_environment(context, role, worker_id);
    command.cwd = context.code_dir;
    std::error_code ignored;
    if (!std::filesystem::is_directory(context.code_dir, ignored)) command.cwd.clear();

    process::SocketPair connection = process::make_socket_pair();
    process::Pipe out = process::make_pipe();
    process::Pipe err = process::make_pipe();
    system::UniqueFd null_input = process::open_null_input();
    const process::ExecPlan plan(command);
    const std::array<int, 1> extra{connection.second.get()};
    process::ChildFds fds;
    fds.stdin_fd = null_input.get();
    fds.stdout_fd = out.write_end.get();
    fds.stderr_fd = err.write_end.get();
    fds.extra = extra;
    const process::SpawnResult result = process::spawn_program(plan, fds, context.child_mask);
    if (!result.started) {
        throw errors::Error(errors::ErrorKind::Supervision, "Cannot start the Python worker with " +
                                                                context.python.string() + ": " +
                                                                result.start_error);
    }
    StartedPython started;
    started.pid = result.pid;
    started.connection = std::move(connection.first);
    started.stdout_read = std::move(out.read_end);
    started.stderr_read = std::move(err.read_end);
    return started;
}

ForkEnds make_fork_ends() {
    process::SocketPair connection = process::make_socket_pair();
    process::Pipe out = process::make_pipe();
    process::Pipe err = process::make_pipe();
    ForkEnds ends;
    ends.worker_connection = std::move(connection.second);
    ends.connection = std::move(connection.first);
    ends.stdout_write = std::move(out.write_end);
    ends.stdout_read = std::move(out.read_end);
    ends.stderr_write = std::move(err.write_end);
    ends.stderr_read = std::move(err.read_end);
    return ends;
}

}  // namespace optml::serve
