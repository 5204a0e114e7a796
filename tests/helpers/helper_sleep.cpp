// helper_sleep [--ignore-term]
// Prints "ready" on stdout once set up, then sleeps until a signal ends it (default
// dispositions). --ignore-term: SIGTERM is ignored, so only SIGKILL ends it. Dies of SIGALRM
// after 60 s so a broken test cannot hang forever.
#include <signal.h>
#include <unistd.h>

#include <cstring>

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--ignore-term") == 0) {
        signal(SIGTERM, SIG_IGN);
    }
    alarm(60);
    static const char ready[] = "ready\n";
    if (write(STDOUT_FILENO, ready, sizeof ready - 1) < 0) {
        return 1;
    }
    for (;;) {
        pause();
    }
}
