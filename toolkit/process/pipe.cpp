#include "toolkit/process/pipe.hpp"

#include <fcntl.h>
#include <sys/socket.h>
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

SocketPair make_socket_pair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw_supervision_error("cannot create a socket pair", errno);
    }
    UniqueFd first(fds[0]);
    UniqueFd second(fds[1]);
    return SocketPair{above_stdio(std::move(first)), above_stdio(std::move(second))};
}

UniqueFd open_null_input() {
    UniqueFd null_input(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_input) throw_supervision_error("cannot open /dev/null", errno);
    return above_stdio(std::move(null_input));
}

}  // namespace optml::process
