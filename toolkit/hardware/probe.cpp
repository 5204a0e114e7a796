#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "toolkit/hardware/hardware.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/system/executable_search.hpp"

namespace optml::hardware {

namespace bp = boost::process;

namespace {

// A helper command that runs before the user program exists, so Boost.Process may reap it
// itself: the supervisor's signal loop is not running yet.
struct Probe {
    std::string tool;
    std::vector<std::string> arguments;
    std::future<std::string> output;
    std::optional<bp::child> child;
    std::optional<int> exit_code;  // set by the io_context once the tool has exited
};

// Runs in the forked child before exec: train ignores SIGPIPE and blocks the stop signals
// for itself, and exec would hand both to the tool.
void restore_default_signals() {
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace

HardwareCounts probe_hardware(const system::EnvironmentSnapshot& environment,
                              std::chrono::milliseconds timeout) {
    HardwareCounts counts;
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    counts.cpus = online > 0 ? online : 1;

    const std::string path = environment.get_or("PATH", "");
    counts.smddprun_installed = system::find_executable("smddprun", path).has_value();
    counts.smddpmprun_installed = system::find_executable("smddpmprun", path).has_value();

    boost::asio::io_context context;
    std::vector<Probe> probes;
    // Reserved up front: the exit handlers keep pointers to their probe.
    probes.reserve(2);
    probes.push_back({"nvidia-smi", {"--list-gpus"}, {}, {}, {}});
    probes.push_back({"neuron-ls", {"-j"}, {}, {}, {}});
    for (Probe& probe : probes) {
        auto executable = system::find_executable(probe.tool, path);
        if (!executable) {
            logging::debug(probe.tool + " not found on PATH: counting 0");
            continue;
        }
        try {
            probe.child.emplace(executable->string(), bp::args(probe.arguments),
                                bp::std_in<bp::null, bp::std_out> probe.output,
                                bp::std_err > bp::null, context,
                                bp::extend::on_exec_setup([](auto&) { restore_default_signals(); }),
                                bp::on_exit([&probe](int code, const std::error_code& failure) {
                                    if (!failure) probe.exit_code = code;
                                }));
        } catch (const std::exception& failure) {
            logging::warn(probe.tool + " could not be started: " + failure.what());
            probe.child.reset();
        }
    }
    context.run_for(timeout);

    for (Probe& probe : probes) {
        if (!probe.child) continue;
        if (!probe.exit_code) {
            logging::warn(probe.tool + " did not answer within the probe timeout: counting 0");
            std::error_code ignored;
            probe.child->terminate(ignored);
            continue;
        }
        if (*probe.exit_code != 0) {
            logging::info(probe.tool + " exited with " + std::to_string(*probe.exit_code) +
                          ": counting 0");
            continue;
        }
        std::string text = probe.output.get();
        if (probe.tool == "nvidia-smi")
            counts.gpus = count_gpus(text);
        else
            counts.neuron_cores = count_neuron_cores(text);
    }
    return counts;
}

}  // namespace optml::hardware
