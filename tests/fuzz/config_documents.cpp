// The three config files through train's whole data path: read_config_object (the file
// reader), build_training_env (the reference's Environment rules), then the argv and SM_*
// variables. The input holds hyperparameters.json, inputdataconfig.json and
// resourceconfig.json separated by NUL bytes. Bad input may only ever end in errors::Error;
// any other exception, crash or sanitizer report is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "toolkit/config/config_files.hpp"
#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/mapping/program_environment.hpp"

using namespace optml;

namespace {

// The file reader insists on a regular file; an anonymous memory file is one.
pyjson::Dict read_from_memory_file(std::string_view contents) {
    const int fd = ::memfd_create("optml-fuzz-config", MFD_CLOEXEC);
    if (fd < 0) std::abort();
    if (::write(fd, contents.data(), contents.size()) != static_cast<ssize_t>(contents.size()))
        std::abort();
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    return config::read_config_object("/proc/self/fd/" + std::to_string(fd));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (parts.size() < 2) {
        const std::size_t separator = input.find('\0', start);
        if (separator == std::string_view::npos) break;
        parts.push_back(input.substr(start, separator - start));
        start = separator + 1;
    }
    parts.push_back(input.substr(start));
    while (parts.size() < 3) parts.push_back("{}");

    try {
        config::ConfigDocuments documents;
        documents.hyperparameters = read_from_memory_file(parts[0]);
        documents.input_data_config = read_from_memory_file(parts[1]);
        documents.resource_config = read_from_memory_file(parts[2]);
        const system::EnvironmentSnapshot environment(system::EnvironmentSnapshot::Variables{
            {"SM_HP_MP_PARAMETERS", "{}"}, {"TRAINING_JOB_NAME", "fuzz"}});
        const config::TrainingEnv env =
            config::build_training_env(config::Paths::under("/opt/ml"), documents, environment,
                                       hardware::HardwareCounts{4, 1, 0, false, false});
        (void)mapping::to_cmd_args(env.hyperparameters);
        (void)mapping::program_variables(env, "/usr/lib/python3");
    } catch (const errors::Error&) {
    }
    return 0;
}
