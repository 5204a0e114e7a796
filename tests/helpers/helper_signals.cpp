// helper_signals [count]
// Handles TERM, INT, HUP, QUIT, USR1, USR2. Prints "ready" on stdout once the handlers are in
// place, then the name of each signal received ("SIGUSR1"), one a line, written at once.
// Exits 0 after SIGTERM, or after <count> signals when given. Dies of SIGALRM after 60 s so a
// broken test cannot hang forever.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace {

int signal_pipe[2];

void on_signal(int signal_number) {
    const int saved_errno = errno;
    const char byte = static_cast<char>(signal_number);
    [[maybe_unused]] const ssize_t written = write(signal_pipe[1], &byte, 1);
    errno = saved_errno;
}

const char* name_of(int signal_number) {
    switch (signal_number) {
        case SIGTERM:
            return "SIGTERM";
        case SIGINT:
            return "SIGINT";
        case SIGHUP:
            return "SIGHUP";
        case SIGQUIT:
            return "SIGQUIT";
        case SIGUSR1:
            return "SIGUSR1";
        case SIGUSR2:
            return "SIGUSR2";
    }
    return "SIG?";
}

bool print(const std::string& text) {
    return write(STDOUT_FILENO, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

}  // namespace

int main(int argc, char** argv) {
    const long limit = argc > 1 ? std::atol(argv[1]) : -1;
    if (pipe(signal_pipe) != 0) {
        return 1;
    }
    struct sigaction action = {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (const int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
        sigaction(signal_number, &action, nullptr);
    }
    alarm(60);
    if (!print("ready\n")) {
        return 1;
    }
    long received = 0;
    while (limit < 0 || received < limit) {
        char byte = 0;
        const ssize_t n = read(signal_pipe[0], &byte, 1);
        if (n < 0 && errno == EINTR) {
            continue;  // a handler ran; its byte is in the pipe
        }
        if (n != 1) {
            return 1;
        }
        ++received;
        if (!print(std::string(name_of(byte)) + "\n")) {
            return 1;
        }
        if (byte == SIGTERM) {
            return 0;
        }
    }
    return 0;
}
