// helper_exit_stamp: writes its CLOCK_MONOTONIC time in nanoseconds as one line on stdout
// ("<ns>\n"), then _exits 0 at once. The exit-latency benchmark compares that stamp with the
// moment waitpid returns for train (or for the program itself when run directly).
#include <time.h>
#include <unistd.h>

#include <cstdio>

int main() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    char line[32];
    const int length =
        std::snprintf(line, sizeof line, "%lld\n",
                      static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec);
    if (length <= 0 || write(STDOUT_FILENO, line, static_cast<std::size_t>(length)) != length) {
        _exit(1);
    }
    _exit(0);
}
