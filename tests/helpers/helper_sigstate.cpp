// helper_sigstate: copies the SigBlk and SigIgn lines of /proc/self/status to stdout, so a
// test can see the signal mask and ignored signals the program started with.
#include <fstream>
#include <iostream>
#include <string>

int main() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("SigBlk:", 0) == 0 || line.rfind("SigIgn:", 0) == 0) {
            std::cout << line << '\n';
        }
    }
    return std::cout.flush() ? 0 : 1;
}
