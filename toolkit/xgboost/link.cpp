#include "toolkit/xgboost/link.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

namespace optml::xgboost {

bool send_line(int fd, const std::string& line) {
    std::size_t sent = 0;
    while (sent < line.size()) {
        const ssize_t count = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return false;
        sent += static_cast<std::size_t>(count);
    }
    return true;
}

ReadResult read_some(int fd, LineBuffer& buffer, int& error_number) {
    char bytes[1024];
    const ssize_t count = ::recv(fd, bytes, sizeof bytes, MSG_DONTWAIT);
    if (count > 0) {
        buffer.feed(std::string_view(bytes, static_cast<std::size_t>(count)));
        return ReadResult::Data;
    }
    if (count == 0) return ReadResult::Closed;
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::Data;
    error_number = errno;
    return ReadResult::Lost;
}

}  // namespace optml::xgboost
