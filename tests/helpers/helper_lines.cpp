// helper_lines [--stream] <stdout|stderr> [--bytes] <bytes>
// Any argument "stdout"/"stderr" picks the stream and any all-digit argument the byte count, so
// train can drive it with hyperparameters ("--bytes 200000000 --stream stderr"). Writes <bytes>
// bytes of 100-byte lines as fast as it can, then exits 0: the lines are built once (byte i is '\n'
// when i % 100 == 99, else 'a' + (i / 100) % 26, like helper_write's "line" pattern) and written
// 650 whole lines at a time, so the sink, not the generator, sets the pace. For the relay benchmark
// (bench/run_benchmarks.py).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

namespace {

constexpr std::size_t line_bytes = 100;
constexpr std::size_t lines_per_write = 650;  // 65000 bytes, just under a default pipe

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
    int fd = -1;
    std::size_t total = 0;
    bool have_total = false;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "stdout" || argument == "stderr") {
            fd = argument == "stderr" ? STDERR_FILENO : STDOUT_FILENO;
        } else if (!argument.empty() &&
                   argument.find_first_not_of("0123456789") == std::string::npos) {
            total = std::strtoull(argument.c_str(), nullptr, 10);
            have_total = true;
        }
    }
    if (fd < 0 || !have_total) {
        return 2;
    }
    // 26 lines per letter cycle: one buffer of 26 * 650 lines holds every phase of the pattern.
    std::string lines;
    lines.reserve(26 * lines_per_write * line_bytes);
    for (std::size_t i = 0; i < 26 * lines_per_write * line_bytes; ++i) {
        lines.push_back(i % line_bytes == line_bytes - 1
                            ? '\n'
                            : static_cast<char>('a' + (i / line_bytes) % 26));
    }
    std::size_t written = 0;
    std::size_t offset = 0;
    while (written < total) {
        const std::size_t length = std::min(total - written, lines_per_write * line_bytes);
        if (!write_all(fd, lines.data() + offset, length)) {
            return 1;
        }
        written += length;
        offset = (offset + length) % lines.size();
    }
    return 0;
}
