// helper_orphans <count> <exit|wait> [--ignore-term] [--setsid] [--await-reaped]
// Starts <count> grandchildren through intermediate children that exit at once, so the
// grandchildren are orphans adopted by the nearest subreaper. Once every grandchild is set up,
// prints their pids on stdout (one a line) and "spawned <count>" on stderr, then exits 0.
//   exit:           grandchildren exit right away
//   wait:           grandchildren sleep until a signal ends them (SIGALRM after 60 s at most)
//   --ignore-term:  grandchildren ignore SIGTERM
//   --setsid:       grandchildren leave the process group (daemons escaping group cleanup)
//   --await-reaped: before exiting, wait (10 s at most) until every grandchild is gone, i.e.
//                   reaped by its adopter; exits 4 if one is still there (e.g. a zombie)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
    long count = 0;
    bool wait = false;
    bool ignore_term = false;
    bool setsid = false;
    bool await_reaped = false;
};

[[noreturn]] void run_grandchild(const Options& options, int report_fd) {
    if (options.setsid) {
        setsid();
    }
    if (options.ignore_term) {
        signal(SIGTERM, SIG_IGN);
    }
    // The pid goes out only once the set-up above is done, so a test never signals too early.
    const pid_t self = getpid();
    if (write(report_fd, &self, sizeof self) != sizeof self) {
        _exit(1);
    }
    close(report_fd);
    if (!options.wait) {
        _exit(0);
    }
    alarm(60);
    for (;;) {
        pause();
    }
}

bool all_gone(const std::vector<pid_t>& pids) {
    for (const pid_t pid : pids) {
        if (kill(pid, 0) == 0 || errno != ESRCH) {
            return false;
        }
    }
    return true;
}

bool print(int fd, const std::string& text) {
    return write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        return 2;
    }
    Options options;
    options.count = std::atol(argv[1]);
    options.wait = std::strcmp(argv[2], "wait") == 0;
    for (int i = 3; i < argc; ++i) {
        options.ignore_term |= std::strcmp(argv[i], "--ignore-term") == 0;
        options.setsid |= std::strcmp(argv[i], "--setsid") == 0;
        options.await_reaped |= std::strcmp(argv[i], "--await-reaped") == 0;
    }

    int report[2];
    if (pipe(report) != 0) {
        return 1;
    }
    for (long i = 0; i < options.count; ++i) {
        const pid_t middle = fork();
        if (middle < 0) {
            return 1;
        }
        if (middle == 0) {
            close(report[0]);
            const pid_t grandchild = fork();
            if (grandchild == 0) {
                run_grandchild(options, report[1]);
            }
            _exit(grandchild < 0 ? 1 : 0);
        }
        int status = 0;
        while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
        }
    }
    close(report[1]);

    std::vector<pid_t> pids;
    std::string listing;
    pid_t pid = 0;
    while (static_cast<long>(pids.size()) < options.count) {
        const ssize_t n = read(report[0], &pid, sizeof pid);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n != sizeof pid) {
            return 1;
        }
        pids.push_back(pid);
        listing += std::to_string(pid) + "\n";
    }
    if (!print(STDOUT_FILENO, listing) ||
        !print(STDERR_FILENO, "spawned " + std::to_string(options.count) + "\n")) {
        return 1;
    }

    if (options.await_reaped) {
        // A probe, not synchronisation: it only reports whether the adopter reaps in time.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!all_gone(pids)) {
            if (std::chrono::steady_clock::now() >= deadline) {
                return 4;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    return 0;
}
