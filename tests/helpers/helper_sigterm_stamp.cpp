// helper_sigterm_stamp: installs a SIGTERM handler, prints "ready" on stdout, then waits. The
// handler takes the CLOCK_MONOTONIC time in nanoseconds first thing, writes it as one line
// on stdout ("<ns>\n") and _exits 0; the signal-delivery benchmark compares it with when it
// sent SIGTERM. Dies of SIGALRM after 60 s so a broken benchmark cannot hang forever.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstddef>

namespace {

void on_sigterm(int) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
    unsigned long long ns = static_cast<unsigned long long>(now.tv_sec) * 1000000000ULL +
                            static_cast<unsigned long long>(now.tv_nsec);
    char digits[24];
    char* end = digits + sizeof digits;
    char* start = end;
    *--start = '\n';
    do {
        *--start = static_cast<char>('0' + ns % 10);
        ns /= 10;
    } while (ns != 0);
    [[maybe_unused]] const ssize_t written =
        write(STDOUT_FILENO, start, static_cast<std::size_t>(end - start));
    _exit(0);
}

}  // namespace

int main() {
    struct sigaction action = {};
    action.sa_handler = on_sigterm;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGTERM, &action, nullptr) != 0) {
        return 1;
    }
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &term, nullptr);
    alarm(60);
    static const char ready[] = "ready\n";
    if (write(STDOUT_FILENO, ready, sizeof ready - 1) != sizeof ready - 1) {
        return 1;
    }
    for (;;) {
        pause();
    }
}
