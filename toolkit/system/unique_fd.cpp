#include "toolkit/system/unique_fd.hpp"

#include <unistd.h>

namespace optml::system {

void UniqueFd::reset(int fd) {
    if (fd_ >= 0 && fd_ != fd) {
        // Linux releases the descriptor even when close reports EINTR: retrying could close
        // a descriptor another thread has just been given.
        ::close(fd_);
    }
    fd_ = fd;
}

}  // namespace optml::system
