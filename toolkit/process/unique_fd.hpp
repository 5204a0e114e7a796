#pragma once

#include <utility>

// Internal to toolkit/process: file descriptor ownership. Pipes report EOF only once every
// write end is closed, so who holds which end must be exact.
namespace optml::process {

class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    // Gives up ownership (to an object that closes it, e.g. an Asio descriptor).
    int release() { return std::exchange(fd_, -1); }
    explicit operator bool() const { return fd_ >= 0; }
    void reset();

  private:
    int fd_ = -1;
};

struct Pipe {
    UniqueFd read_end;
    UniqueFd write_end;
};

// Both ends are close-on-exec (no other child of train inherits them) and numbered 3 or above,
// so they never collide with the stdio descriptors a child rearranges, even when train was
// started with some of 0-2 closed. Throws errors::Error(Supervision).
Pipe make_pipe();

// A connected AF_UNIX stream socket pair, same rules as make_pipe.
struct SocketPair {
    UniqueFd first;
    UniqueFd second;
};
SocketPair make_socket_pair();

// /dev/null opened for reading, close-on-exec and above the stdio descriptors: a child's stdin.
UniqueFd open_null_input();

}  // namespace optml::process
