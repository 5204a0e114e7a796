#include "toolkit/serve/worker_connection.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>

namespace optml::serve {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

WorkerConnection::WorkerConnection(boost::asio::io_context& io, system::UniqueFd socket)
    : socket_(io, boost::asio::local::stream_protocol(), socket.release()),
      in_buffer_(new char[kReadChunk]) {}

void WorkerConnection::start(FrameHandler on_frame, CloseHandler on_close) {
    on_frame_ = std::move(on_frame);
    on_close_ = std::move(on_close);
    read();
}

void WorkerConnection::read() {
    socket_.async_read_some(
        boost::asio::buffer(in_buffer_.get(), kReadChunk),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
            if (!self->open_) return;
            if (ec) {
                self->fail(ec == boost::asio::error::eof
                               ? "its connection closed"
                               : "its connection failed: " + ec.message());
                return;
            }
            std::string_view input(self->in_buffer_.get(), n);
            try {
                while (!input.empty()) {
                    auto frame = self->reader_.feed(input);
                    if (!frame) break;
                    self->on_frame_(std::move(*frame));
                    if (!self->open_) return;
                }
            } catch (const std::exception& broken) {
                self->fail(std::string("it broke the protocol: ") + broken.what());
                return;
            }
            self->read();
        });
}

void WorkerConnection::send(std::string header, std::string body) {
    out_prefix_ = frame_prefix(static_cast<std::uint32_t>(header.size()), body.size());
    out_header_ = std::move(header);
    out_body_ = std::move(body);
    const std::array<boost::asio::const_buffer, 3> buffers{boost::asio::buffer(out_prefix_),
                                                           boost::asio::buffer(out_header_),
                                                           boost::asio::buffer(out_body_)};
    boost::asio::async_write(
        socket_, buffers, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
            self->out_body_.clear();
            self->out_body_.shrink_to_fit();
            if (ec && self->open_) {
                self->fail("writing to it failed: " + ec.message());
            }
        });
}

bool WorkerConnection::send_with_fds(const std::string& header, const int* fds,
                                     std::size_t fd_count) {
    const auto prefix = frame_prefix(static_cast<std::uint32_t>(header.size()), 0);
    std::string frame(prefix.data(), prefix.size());
    frame.append(header);

    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)] = {};
    const std::size_t control_size = CMSG_SPACE(sizeof(int) * fd_count);
    msghdr message{};
    iovec first{frame.data(), frame.size()};
    message.msg_iov = &first;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = control_size;
    cmsghdr* rights = CMSG_FIRSTHDR(&message);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(sizeof(int) * fd_count);
    std::memcpy(CMSG_DATA(rights), fds, sizeof(int) * fd_count);

    std::size_t sent = 0;
    while (sent < frame.size()) {
        ssize_t n = 0;
        if (sent == 0) {
            n = sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL);
        } else {
            n = ::send(socket_.native_handle(), frame.data() + sent, frame.size() - sent,
                       MSG_NOSIGNAL);
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                // The loader reads its commands at once; a full buffer is a brief wait.
                pollfd ready{socket_.native_handle(), POLLOUT, 0};
                ::poll(&ready, 1, 1000);
                continue;
            }
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

void WorkerConnection::close() {
    open_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
}

void WorkerConnection::fail(const std::string& why) {
    if (!open_) return;
    close();
    if (on_close_) on_close_(why);
}

}  // namespace optml::serve
