#pragma once

#include <sys/types.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <functional>
#include <memory>
#include <string>

#include "toolkit/system/unique_fd.hpp"
#include "toolkit/serve/frame.hpp"

namespace optml::serve {

// The front end's end of one Python process's fd 3: frames in, frames out.
class WorkerConnection : public std::enable_shared_from_this<WorkerConnection> {
  public:
    using FrameHandler = std::function<void(Frame&&)>;
    using CloseHandler = std::function<void(const std::string& why)>;

    WorkerConnection(boost::asio::io_context& io, system::UniqueFd socket);

    // Frames go to on_frame until the peer closes or breaks the protocol (on_close, once).
    void start(FrameHandler on_frame, CloseHandler on_close);
    // One frame at a time: the next send waits for this one to complete (callers keep one
    // request in flight per worker). The header and body are held until written.
    void send(std::string header, std::string body);
    // A frame with file descriptors attached to its first byte (SCM_RIGHTS), written at once.
    // Returns false when the peer is gone.
    bool send_with_fds(const std::string& header, const int* fds, std::size_t fd_count);
    void close();
    bool is_open() const { return open_; }

  private:
    void read();
    void fail(const std::string& why);

    boost::asio::local::stream_protocol::socket socket_;
    FrameReader reader_;
    FrameHandler on_frame_;
    CloseHandler on_close_;
    std::array<char, kFramePrefixSize> out_prefix_{};
    std::string out_header_;
    std::string out_body_;
    std::unique_ptr<char[]> in_buffer_;
    bool open_ = true;
};

}  // namespace optml::serve
