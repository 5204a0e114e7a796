// helper_hostname [LEN]: prints what gethostname() answers into a buffer of LEN bytes
// (default 256) and uname()'s nodename, for the hostname shim tests:
//   gethostname=0 NAME        or   gethostname=-1 ERRNO BYTES   (BYTES: what was copied)
//   nodename=NAME
//   guard=intact|overwritten  (whether anything was written past the LEN bytes)
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    const std::size_t length = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 256;
    constexpr std::size_t kGuard = 64;
    constexpr char kFill = '#';
    std::vector<char> buffer(length + kGuard, kFill);
    const int result = gethostname(buffer.data(), length);
    const int error = errno;
    if (result == 0) {
        std::printf("gethostname=0 %s\n", buffer.data());
    } else {
        std::string copied(buffer.data(), length);
        std::printf("gethostname=%d %d %s\n", result, error, copied.c_str());
    }
    utsname names{};
    if (uname(&names) != 0) return 1;
    std::printf("nodename=%s\n", names.nodename);
    bool intact = true;
    for (std::size_t i = length; i < buffer.size(); ++i) intact = intact && buffer[i] == kFill;
    std::printf("guard=%s\n", intact ? "intact" : "overwritten");
    return 0;
}
