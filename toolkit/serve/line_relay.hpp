#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>
#include <string>

#include "toolkit/system/unique_fd.hpp"

namespace optml::serve {

// Copies a child's output pipe to one of serve's own outputs line by line, each line
// prefixed with the child's tag ("[worker 2] "), so lines of different workers never mix.
// A line longer than 64 KiB goes out in pieces; a last line without newline is flushed at EOF.
class LineRelay : public std::enable_shared_from_this<LineRelay> {
  public:
    LineRelay(boost::asio::io_context& io, system::UniqueFd read_end, std::string tag, int out_fd);
    void start();
    void close();
    bool finished() const { return finished_; }
    // Keeps the last `bytes` of output (whole lines) for an error message.
    void keep_tail(std::size_t bytes) { tail_limit_ = bytes; }
    const std::string& tail() const { return tail_; }

  private:
    void read();
    void emit(std::string_view line);

    boost::asio::posix::stream_descriptor pipe_;
    std::string prefix_;
    int out_fd_;
    std::string pending_;
    std::string line_;
    char buffer_[16 * 1024];
    bool finished_ = false;
    std::size_t tail_limit_ = 0;
    std::string tail_;
};

// Writes all of `text` to `fd`, retrying partial writes; errors are dropped (a log sink that
// went away must not stop serving).
void write_all(int fd, std::string_view text);

}  // namespace optml::serve
