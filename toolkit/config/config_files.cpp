#include "toolkit/config/config_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::config {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& problem) {
    throw errors::Error(errors::ErrorKind::Configuration,
                        file.filename().string() + " " + problem + " (" + file.string() + ").");
}

// The largest config file train reads. SageMaker's own files are small (hyperparameters are
// capped at 100 entries of 256-byte names and 2.5 KB values; a resourceconfig for thousands of
// hosts stays well under a megabyte; inputdataconfig lists at most 20 channels), so 64 MiB
// leaves two orders of magnitude of room for local-mode tools while a file that never ends
// (a link to /dev/zero, a growing log) cannot take train's memory.
constexpr std::uintmax_t kMaxConfigFileBytes = 64ull << 20;

std::string size_text(std::uintmax_t bytes) {
    return std::to_string(bytes >> 20) + " MiB";
}

std::string read_whole_file(const std::filesystem::path& file) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a terminal device named
    // here must not become train's controlling terminal. Only a regular file is read.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        const int open_errno = errno;
        if (open_errno == ENOENT) {
            fail(file,
                 "does not exist; SageMaker writes it before the job starts, so create it "
                 "for a local run");
        }
        fail(file, std::string("cannot be opened: ") + std::strerror(open_errno));
    }
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{fd};
    struct stat status {};
    if (::fstat(fd, &status) != 0)
        fail(file, std::string("cannot be read: ") + std::strerror(errno));
    if (S_ISDIR(status.st_mode)) fail(file, "is a directory, not a JSON file");
    if (!S_ISREG(status.st_mode)) {
        fail(file,
             "is not a regular file (a FIFO, socket or device); train reads config files "
             "only from regular files");
    }
    if (static_cast<std::uintmax_t>(status.st_size) > kMaxConfigFileBytes) {
        fail(file, "holds " + std::to_string(status.st_size) + " bytes, more than the " +
                       size_text(kMaxConfigFileBytes) + " a config file may hold");
    }
    std::string contents;
    contents.reserve(static_cast<std::size_t>(status.st_size));
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(file, std::string("cannot be read: ") + std::strerror(errno));
        }
        // A file that grows while it is read is held to the same bound.
        if (contents.size() + static_cast<std::size_t>(n) > kMaxConfigFileBytes) {
            fail(file, "grew past the " + size_text(kMaxConfigFileBytes) +
                           " a config file may hold while it was read");
        }
        contents.append(buffer, static_cast<std::size_t>(n));
    }
    return contents;
}

}  // namespace

pyjson::Dict read_config_object(const std::filesystem::path& file) {
    std::string text = read_whole_file(file);
    pyjson::Value document;
    try {
        document = pyjson::loads(text);
    } catch (const pyjson::ParseError& parse_error) {
        fail(file, std::string("is not valid JSON: ") + parse_error.what());
    }
    if (!document.is_dict()) {
        fail(file,
             std::string("must hold a JSON object, not a ") + std::string(document.type_name()));
    }
    return document.as_dict();
}

pyjson::Dict decode_hyperparameters(const pyjson::Dict& stored) {
    pyjson::Dict decoded;
    for (const auto& [name, value] : stored) {
        if (!value.is_str()) {
            decoded.set(name, value);
            continue;
        }
        try {
            decoded.set(name, pyjson::loads(value.as_str()));
        } catch (const pyjson::ParseError&) {
            decoded.set(name, value);
        }
    }
    return decoded;
}

}  // namespace optml::config
