#include "toolkit/serve/line_relay.hpp"

#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <cerrno>

namespace optml::serve {

namespace {
constexpr std::size_t kMaxLine = 64 * 1024;
}

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

LineRelay::LineRelay(boost::asio::io_context& io, system::UniqueFd read_end, std::string tag,
                     int out_fd)
    : pipe_(io, read_end.release()), prefix_("[" + tag + "] "), out_fd_(out_fd) {}

void LineRelay::start() {
    read();
}

void LineRelay::close() {
    boost::system::error_code ignored;
    pipe_.close(ignored);
}

void LineRelay::read() {
    pipe_.async_read_some(boost::asio::buffer(buffer_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                              if (ec) {
                                  if (!self->pending_.empty()) {
                                      const std::string rest = std::move(self->pending_);
                                      self->emit(rest);
                                  }
                                  self->finished_ = true;
                                  self->close();
                                  return;
                              }
                              std::string_view chunk(self->buffer_, n);
                              while (!chunk.empty()) {
                                  const auto newline = chunk.find('\n');
                                  if (newline == std::string_view::npos) {
                                      self->pending_.append(chunk);
                                      if (self->pending_.size() >= kMaxLine) {
                                          const std::string piece = std::move(self->pending_);
                                          self->pending_.clear();
                                          self->emit(piece);
                                      }
                                      break;
                                  }
                                  if (self->pending_.empty()) {
                                      self->emit(chunk.substr(0, newline));
                                  } else {
                                      self->pending_.append(chunk.substr(0, newline));
                                      const std::string line = std::move(self->pending_);
                                      self->pending_.clear();
                                      self->emit(line);
                                  }
                                  chunk.remove_prefix(newline + 1);
                              }
                              self->read();
                          });
}

void LineRelay::emit(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line_.assign(prefix_);
    line_.append(line);
    line_.push_back('\n');
    write_all(out_fd_, line_);
    if (tail_limit_ > 0) {
        tail_.append(line);
        tail_.push_back('\n');
        if (tail_.size() > tail_limit_) {
            auto cut = tail_.find('\n', tail_.size() - tail_limit_);
            tail_.erase(0, cut == std::string::npos ? tail_.size() - tail_limit_ : cut + 1);
        }
    }
}

}  // namespace optml::serve
