#pragma once

#include <utility>

namespace optml::system {

// The one owner of a file descriptor: closed exactly once, when the owner goes away or is
// reset. Pipes report EOF only once every write end is closed, so who holds which end must
// be exact; a moved-from owner holds nothing.
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
    explicit operator bool() const { return fd_ >= 0; }
    // Closes the descriptor held, if any, and holds `fd` instead.
    void reset(int fd = -1);
    // Closes the descriptor now, for a file written to, where close may be the first to report
    // a failed write: false when it did (EINTR counts as closed: Linux has released it).
    bool close();
    // Gives the descriptor up without closing it.
    int release() { return std::exchange(fd_, -1); }

  private:
    int fd_ = -1;
};

}  // namespace optml::system
