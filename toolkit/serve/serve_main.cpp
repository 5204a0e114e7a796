#include "toolkit/serve/serve_main.hpp"

#include <sched.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <thread>

#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_set.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"
#include "toolkit/serve/serve_app.hpp"
#include "toolkit/serve/settings.hpp"

#ifndef OPTML_VERSION
#define OPTML_VERSION "unknown"
#endif

namespace optml::serve {

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
    // from a signalfd in the loop (signal_loop.hpp).
    const process::SignalBlock signal_block;
    // Writes to a client or worker that went away fail with EPIPE instead of killing serve.
    ::signal(SIGPIPE, SIG_IGN);

    CLI::App cli(kDescription, "serve");
    cli.set_version_flag("--version", std::string("optml serve ") + OPTML_VERSION);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& parse_error) {
        return cli.exit(parse_error);
    }

    // The one catch: a start-up failure becomes one clear line and an exit code.
    try {
        process::become_subreaper();
        auto environment = system::EnvironmentSnapshot::from_process();
        ServeSettings settings = read_serve_settings(environment, cpu_count());
        ServeApp app(std::move(environment), std::move(settings), own_executable(argv[0]),
                     signal_block.signals(), signal_block.child_mask());
        return app.run();
    } catch (const errors::Error& error) {
        logging::error(error.what());
        return reporting::verdict_for_error(error).exit_code;
    } catch (const std::exception& unexpected) {
        const errors::Error error(
            errors::ErrorKind::Internal,
            std::string("serve hit an unexpected error: ") + unexpected.what());
        logging::error(error.what());
        return reporting::verdict_for_error(error).exit_code;
    }
}

}  // namespace optml::serve
