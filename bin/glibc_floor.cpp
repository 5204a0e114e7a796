// The static C++ runtime calls arc4random() (std::random_device, when built against glibc
// 2.36+), a function glibc has only since 2.36: taken from libc, it would keep train and serve
// from starting on Ubuntu 22.04 (glibc 2.35), the base of most CUDA and framework images. This
// definition is linked into each executable before libc is searched, so the binaries need
// nothing newer than glibc 2.35 (tests/containers/test_portability.py checks the floor).
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

extern "C" std::uint32_t arc4random() noexcept {
    std::uint32_t value = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(&value);
    std::size_t filled = 0;
    while (filled < sizeof value) {
        const ssize_t got = getrandom(bytes + filled, sizeof value - filled, 0);
        if (got > 0) {
            filled += static_cast<std::size_t>(got);
        } else if (got < 0 && errno != EINTR) {
            // glibc's arc4random cannot fail either: it aborts when the kernel gives nothing.
            std::abort();
        }
    }
    return value;
}
