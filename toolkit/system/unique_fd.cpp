#include "toolkit/system/unique_fd.hpp"

#include <unistd.h>

#include <cerrno>

namespace optml::system {

void UniqueFd::reset(int fd) {
    if (fd_ >= 0 && fd_ != fd) {
        // Linux releases the descriptor even when close reports EINTR: retrying could close
        // a descriptor another thread has just been given.
        ::close(fd_);
    }
    fd_ = fd;
}

bool UniqueFd::close() {
    const int fd = std::exchange(fd_, -1);
    return fd < 0 || ::close(fd) == 0 || errno == EINTR;
}

}  // namespace optml::system
