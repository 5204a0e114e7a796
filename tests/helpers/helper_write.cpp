// helper_write <stdout|stderr> <bytes> <line|single|binary|invalid>
// Writes <bytes> bytes of a pattern, then exits 0. Byte i of each pattern (tests regenerate it):
//   line:    '\n' when i % 100 == 99, else 'a' + (i / 100) % 26    (100-byte lines)
//   single:  '\n' for the last byte, else 'a' + i % 26             (one line of <bytes> bytes)
//   binary:  i % 256                                               (NUL and every byte value)
//   invalid: '\n' when i % 64 == 63, else 0x80 + i % 128            (never valid UTF-8)
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

char pattern_byte(const std::string& pattern, std::size_t i, std::size_t total) {
    if (pattern == "line") {
        return i % 100 == 99 ? '\n' : static_cast<char>('a' + (i / 100) % 26);
    }
    if (pattern == "single") {
        return i + 1 == total ? '\n' : static_cast<char>('a' + i % 26);
    }
    if (pattern == "binary") {
        return static_cast<char>(static_cast<unsigned char>(i % 256));
    }
    return i % 64 == 63 ? '\n' : static_cast<char>(static_cast<unsigned char>(0x80 + i % 128));
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
    if (argc < 4) {
        return 2;
    }
    const int fd = std::strcmp(argv[1], "stderr") == 0 ? STDERR_FILENO : STDOUT_FILENO;
    const std::size_t total = std::strtoull(argv[2], nullptr, 10);
    const std::string pattern = argv[3];
    if (pattern != "line" && pattern != "single" && pattern != "binary" && pattern != "invalid") {
        return 2;
    }
    std::string chunk;
    for (std::size_t i = 0; i < total;) {
        chunk.clear();
        for (; i < total && chunk.size() < 65536; ++i) {
            chunk.push_back(pattern_byte(pattern, i, total));
        }
        if (!write_all(fd, chunk.data(), chunk.size())) {
            return 1;
        }
    }
    return 0;
}
