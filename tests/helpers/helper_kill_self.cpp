// helper_kill_self [...] <signal number>: dies of that signal, its last argument (default
// disposition, no core file). The last argument lets train drive it with one hyperparameter.
#include <signal.h>
#include <sys/resource.h>

#include <cstdlib>

int main(int argc, char** argv) {
    if (argc < 2) {
        return 2;
    }
    const int signal_number = std::atoi(argv[argc - 1]);
    // SIGSEGV and SIGQUIT would otherwise leave core files in the test's directory.
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(signal_number, SIG_DFL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signal_number);
    sigprocmask(SIG_UNBLOCK, &only, nullptr);
    raise(signal_number);
    return 1;  // the signal did not kill us
}
