// helper_fds: prints the numbers of its open file descriptors on stdout, one a line (the
// descriptor used to list them excluded).
#include <dirent.h>

#include <cstdlib>
#include <iostream>
#include <string>

int main() {
    DIR* listing = opendir("/proc/self/fd");
    if (listing == nullptr) {
        return 1;
    }
    const int own = dirfd(listing);
    while (const dirent* entry = readdir(listing)) {
        const std::string name = entry->d_name;
        if (name == "." || name == ".." || std::atoi(name.c_str()) == own) {
            continue;
        }
        std::cout << name << '\n';
    }
    closedir(listing);
    return std::cout.flush() ? 0 : 1;
}
