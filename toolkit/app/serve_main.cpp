#include "toolkit/app/serve_main.hpp"

#include <sched.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "toolkit/app/command.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_set.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/serve/serve_app.hpp"
#include "toolkit/serve/settings.hpp"

#ifndef OPTML_VERSION
#define OPTML_VERSION "unknown"
#endif

namespace optml::app {

namespace {

constexpr const char* kDescription =
    "Serves the model under SAGEMAKER_BASE_DIR (default /opt/ml) on the SageMaker inference\n"
    "contract: GET /ping, POST /invocations, GET /execution-parameters on\n"
    "SAGEMAKER_BIND_TO_PORT (default 8080). The handlers come from SAGEMAKER_PROGRAM (default\n"
    "inference.py) in model/code and run in Python workers. SageMaker runs it with no\n"
    "arguments (`docker run IMAGE serve`); settings are environment variables (README.md).";

unsigned cpu_count() {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
        const int count = CPU_COUNT(&allowed);
        if (count > 0) return static_cast<unsigned>(count);
    }
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware > 0 ? hardware : 1;
}

std::filesystem::path own_executable(const char* argv0) {
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) path = std::filesystem::absolute(argv0, error);
    return path;
}

}  // namespace

int serve_main(int argc, char** argv) {
    // Before any thread exists, so every thread inherits the block; the signals are read
    // from a signalfd in the loop (serve/signal_loop.hpp).
    const process::SignalBlock signal_block;
    // Writes to a client or worker that went away fail with EPIPE instead of killing serve.
    ::signal(SIGPIPE, SIG_IGN);

    const CommandLine command_line =
        read_command_line("serve", OPTML_VERSION, kDescription, argc, argv);
    if (command_line.exit_now) return *command_line.exit_now;

    const reporting::Verdict verdict = run_caught([&] {
        if (command_line.error) throw *command_line.error;
        process::become_subreaper();
        auto environment = system::EnvironmentSnapshot::from_process();
        serve::ServeSettings settings = serve::read_serve_settings(environment, cpu_count());
        serve::ServeApp app(std::move(environment), std::move(settings), own_executable(argv[0]),
                            signal_block.signals(), signal_block.child_mask());
        // A failure while serving is logged by the app itself, which returns its exit code.
        reporting::Verdict outcome;
        outcome.exit_code = app.run();
        return outcome;
    });
    if (verdict.failure_reason) logging::error(one_line(*verdict.failure_reason));
    return verdict.exit_code;
}

}  // namespace optml::app
