#include "toolkit/mpi/rank_wrapper.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "toolkit/config/config_files.hpp"
#include "toolkit/config/paths.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/mpi/output_filter.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::mpi {

namespace {

std::string current_host_here() {
    const config::Paths paths =
        config::Paths::from_environment(system::EnvironmentSnapshot::from_process());
    const pyjson::Dict resources = config::read_config_object(paths.resource_config_file());
    const pyjson::Value* host = resources.find("current_host");
    if (host == nullptr || !host->is_str() || host->as_str().empty()) {
        throw errors::Error(
            errors::ErrorKind::Configuration,
            paths.resource_config_file().string() + ": current_host must be a non-empty string.");
    }
    return host->as_str();
}

// mpirun hands every rank the leader's SM_TRAINING_ENV: its current_host and is_master are
// made this host's, the rest stays byte for byte (dumps writes the same sorted compact form).
void localize_training_env(const std::string& host) {
    const char* document = std::getenv("SM_TRAINING_ENV");
    if (document == nullptr) return;
    pyjson::Value parsed;
    try {
        parsed = pyjson::loads(document);
    } catch (const pyjson::ParseError&) {
        return;  // not ours to repair: leave what the job exported
    }
    if (!parsed.is_dict()) return;
    pyjson::Dict training_env = parsed.as_dict();
    const pyjson::Value* master = training_env.find("master_hostname");
    training_env.set("current_host", host);
    if (master != nullptr && master->is_str()) {
        training_env.set("is_master", master->as_str() == host);
    }
    ::setenv("SM_TRAINING_ENV", pyjson::dumps(training_env).c_str(), 1);
}

}  // namespace

int run_rank(int argc, char** argv) {
    if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
        std::cerr << "train " << kRankModeFlag << ": usage: train " << kRankModeFlag
                  << " -- PROGRAM [ARGS...]\n";
        return 2;
    }
    try {
        const std::string host = current_host_here();
        ::setenv("SM_CURRENT_HOST", host.c_str(), 1);
        ::setenv("CURRENT_HOST", host.c_str(), 1);
        localize_training_env(host);
        // Flushed before exec, so it is the first line on each stream. Best effort: a rank
        // whose stdout is closed still runs, only without its host in the tags.
        const std::string announcement = mpi::rank_host_announcement(host);
        std::cout << announcement << std::flush;
        std::cerr << announcement << std::flush;
    } catch (const errors::Error& error) {
        std::cerr << "train " << kRankModeFlag << ": " << error.what() << "\n";
        return 2;
    }
    ::execvp(argv[3], argv + 3);
    std::cerr << "train " << kRankModeFlag << ": cannot execute " << argv[3] << ": "
              << std::strerror(errno) << "\n";
    return 127;
}

}  // namespace optml::mpi
