#include "toolkit/process/pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "toolkit/process/os_error.hpp"

namespace optml::process {

namespace {

UniqueFd above_stdio(UniqueFd fd) {
    if (fd.get() > STDERR_FILENO) {
        return fd;
    }
    const int moved = fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0) {
        throw_supervision_error("cannot move a pipe above the stdio descriptors", errno);
    }
    return UniqueFd(moved);
}

}  // namespace

Pipe make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        throw_supervision_error("cannot create a pipe", errno);
    }
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    return Pipe{above_stdio(std::move(read_end)), above_stdio(std::move(write_end))};
}

}  // namespace optml::process
