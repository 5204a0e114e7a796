// helper_write <stdout|stderr> <bytes> <line|single|binary|invalid>
// helper_write --bytes <bytes> --pattern <pattern> --stream <stdout|stderr>
// Writes <bytes> bytes of a pattern, then exits 0. The second form is how train passes
// hyperparameters (sorted "--name value" pairs). Byte i of each pattern (tests regenerate it):
//   line:    '\n' when i % 100 == 99, else 'a' + (i / 100) % 26    (100-byte lines)
//   single:  '\n' for the last byte, else 'a' + i % 26             (one line of <bytes> bytes)
//   binary:  i % 256                                               (NUL and every byte value)
//   invalid: '\n' when i % 64 == 63, else 0x80 + i % 128            (never valid UTF-8)
// Every pattern repeats with a short period, which is built once and written 65000 bytes
// (650 whole lines) at a time, so the sink sets the pace, not the generator: the relay
// benchmark writes 200 MB with it.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

namespace {

constexpr std::size_t bytes_per_write = 65000;

struct Request {
    int fd = -1;
    std::size_t total = 0;
    std::string pattern;
};

bool parse(int argc, char** argv, Request& request) {
    std::string stream;
    std::string bytes;
    if (argc == 4 && argv[1][0] != '-') {
        stream = argv[1];
        bytes = argv[2];
        request.pattern = argv[3];
    } else {
        for (int i = 1; i + 1 < argc; i += 2) {
            const std::string name = argv[i];
            if (name == "--stream") stream = argv[i + 1];
            if (name == "--bytes") bytes = argv[i + 1];
            if (name == "--pattern") request.pattern = argv[i + 1];
        }
    }
    if (stream != "stdout" && stream != "stderr") return false;
    if (bytes.empty() || bytes.find_first_not_of("0123456789") != std::string::npos) return false;
    request.fd = stream == "stderr" ? STDERR_FILENO : STDOUT_FILENO;
    request.total = std::strtoull(bytes.c_str(), nullptr, 10);
    return request.pattern == "line" || request.pattern == "single" ||
           request.pattern == "binary" || request.pattern == "invalid";
}

// One period of the pattern ("single" without its final newline).
std::string period_of(const std::string& pattern) {
    std::string period;
    if (pattern == "line") {
        for (std::size_t i = 0; i < 2600; ++i) {
            period.push_back(i % 100 == 99 ? '\n' : static_cast<char>('a' + (i / 100) % 26));
        }
    } else if (pattern == "single") {
        for (std::size_t i = 0; i < 26; ++i) period.push_back(static_cast<char>('a' + i));
    } else if (pattern == "binary") {
        for (std::size_t i = 0; i < 256; ++i) period.push_back(static_cast<char>(i));
    } else {
        for (std::size_t i = 0; i < 128; ++i) {
            period.push_back(i % 64 == 63 ? '\n' : static_cast<char>(0x80 + i));
        }
    }
    return period;
}

bool write_all(int fd, const char* data, std::size_t length) {
    while (length > 0) {
        const ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data += n;
        length -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Request request;
    if (!parse(argc, argv, request)) {
        return 2;
    }
    const std::string period = period_of(request.pattern);
    // Enough repetitions that a write of bytes_per_write can start at any phase.
    std::string repeated;
    while (repeated.size() < bytes_per_write + period.size()) repeated += period;

    const bool final_newline = request.pattern == "single" && request.total > 0;
    const std::size_t body = final_newline ? request.total - 1 : request.total;
    for (std::size_t written = 0; written < body;) {
        const std::size_t length = std::min(body - written, bytes_per_write);
        if (!write_all(request.fd, repeated.data() + written % period.size(), length)) {
            return 1;
        }
        written += length;
    }
    if (final_newline && !write_all(request.fd, "\n", 1)) {
        return 1;
    }
    return 0;
}
