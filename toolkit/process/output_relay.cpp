#include "toolkit/process/output_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <system_error>

#include "toolkit/process/os_error.hpp"

namespace optml::process {

namespace {

using Clock = LineFilter::Clock;

constexpr std::size_t chunk_bytes = 256 * 1024;
// A pipe this large lets the program write several chunks per wake-up of the relay: fewer
// context switches on a busy 2-core machine. Best effort; the default (64 KiB) also works.
constexpr int pipe_bytes = 1024 * 1024;

// Writes everything unless fd fails for good.
bool write_all(int fd, const char* data, std::size_t length) {
    while (length > 0) {
        const ssize_t n = write(fd, data, length);
        if (n > 0) {
            data += n;
            length -= static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            // Someone made the sink non-blocking: wait for room instead of spinning or dropping.
            pollfd writable{fd, POLLOUT, 0};
            if (poll(&writable, 1, -1) < 0 && errno != EINTR) {
                return false;
            }
            if ((writable.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
                return false;
            }
            continue;
        }
        return false;
    }
    return true;
}

}  // namespace

OutputRelay::OutputRelay(UniqueFd source, int sink, std::size_t tail_bytes, LineFilter* filter)
    : source_(std::move(source)),
      sink_(sink),
      filter_(filter),
      tail_(tail_bytes),
      buffer_(chunk_bytes) {
    fcntl(source_.get(), F_SETPIPE_SZ, pipe_bytes);
    Pipe stop = make_pipe();
    stop_read_ = std::move(stop.read_end);
    stop_write_ = std::move(stop.write_end);
    try {
        thread_ = std::thread([this] { run(); });
    } catch (const std::system_error& error) {
        throw_supervision_error("cannot start the output relay", error.code().value());
    }
}

OutputRelay::~OutputRelay() {
    stop_and_join();
}

std::string OutputRelay::finish(std::chrono::steady_clock::time_point eof_deadline) {
    {
        std::unique_lock lock(mutex_);
        finished_changed_.wait_until(lock, eof_deadline, [this] { return finished_; });
    }
    stop_and_join();
    return tail_.str();
}

void OutputRelay::stop_and_join() {
    if (thread_.joinable()) {
        stop_write_.reset();  // POLLHUP on stop_read_
        thread_.join();
    }
}

void OutputRelay::run() noexcept {
    // A write to a closed sink must fail with EPIPE, not kill train; SIGPIPE from write is
    // directed at the writing thread, so blocking it here is enough.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

    pollfd fds[2] = {{source_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
    for (;;) {
        const int ready = poll(fds, 2, poll_timeout_ms());
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (ready == 0) {
            release_held(Clock::now() - partial_line_wait);
            continue;
        }
        // Stop is checked first so a program that never stops writing cannot keep us here.
        if (fds[1].revents != 0) {
            drain_buffered();
            break;
        }
        if (fds[0].revents != 0 && !relay_available()) {
            break;
        }
    }
    release_held(Clock::time_point::max());
    {
        std::lock_guard lock(mutex_);
        finished_ = true;
    }
    finished_changed_.notify_all();
}

// One read and its copy; false at EOF or when the pipe fails.
bool OutputRelay::relay_available() {
    const ssize_t n = read(source_.get(), buffer_.data(), buffer_.size());
    if (n > 0) {
        take(buffer_.data(), static_cast<std::size_t>(n));
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

// Copies what the pipe holds when the stop comes, but no more than one pipe's capacity: bytes
// written before the program exited are all in there, while a daemon still writing is cut off.
void OutputRelay::drain_buffered() {
    const int flags = fcntl(source_.get(), F_GETFL);
    if (flags < 0 || fcntl(source_.get(), F_SETFL, flags | O_NONBLOCK) < 0) {
        return;
    }
    const int capacity = fcntl(source_.get(), F_GETPIPE_SZ);
    std::size_t budget = capacity > 0 ? static_cast<std::size_t>(capacity) : chunk_bytes;
    while (budget > 0) {
        const ssize_t n = read(source_.get(), buffer_.data(), std::min(budget, buffer_.size()));
        if (n > 0) {
            take(buffer_.data(), static_cast<std::size_t>(n));
            budget -= static_cast<std::size_t>(n);
        } else if (n == 0 || errno != EINTR) {
            return;
        }
    }
}

void OutputRelay::take(const char* data, std::size_t length) {
    if (filter_ == nullptr) {
        emit(data, length);
        return;
    }
    take_lines(std::string_view(data, length));
    // A busy stream never lets poll time out: what waited long enough goes now.
    release_held(Clock::now() - partial_line_wait);
}

// How long poll may wait before held text is due; -1 (forever) when nothing is held.
int OutputRelay::poll_timeout_ms() const {
    std::optional<Clock::time_point> oldest;
    if (!partial_line_.empty()) {
        oldest = partial_since_;
    }
    if (filter_ != nullptr) {
        if (const auto held = filter_->held_since(); held && (!oldest || *held < *oldest)) {
            oldest = held;
        }
    }
    if (!oldest) {
        return -1;
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(*oldest + partial_line_wait - Clock::now());
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
}

// Hands the filter every line completed by `data`; the start of an unfinished one waits.
void OutputRelay::take_lines(std::string_view data) {
    while (!data.empty()) {
        const std::size_t newline = data.find('\n');
        if (newline == std::string_view::npos) {
            if (partial_line_.empty()) {
                partial_since_ = Clock::now();
            }
            partial_line_.append(data);
            if (partial_line_.size() >= longest_held_line) {
                filter_->rewrite(partial_line_, filtered_);
                partial_line_.clear();
            }
            return;
        }
        const std::string_view line = data.substr(0, newline + 1);
        if (partial_line_.empty()) {
            filter_->rewrite(line, filtered_);
        } else {
            partial_line_.append(line);
            filter_->rewrite(partial_line_, filtered_);
            partial_line_.clear();
        }
        data.remove_prefix(newline + 1);
    }
}

// Passes on, and writes, what the relay and the filter held back since before `cutoff`.
void OutputRelay::release_held(Clock::time_point cutoff) {
    if (filter_ == nullptr) {
        return;
    }
    if (!partial_line_.empty() && partial_since_ <= cutoff) {
        filter_->rewrite(partial_line_, filtered_);
        partial_line_.clear();
    }
    if (const auto held = filter_->held_since(); held && *held <= cutoff) {
        filter_->release(cutoff, filtered_);
    }
    emit(filtered_.data(), filtered_.size());
    filtered_.clear();
}

void OutputRelay::emit(const char* data, std::size_t length) {
    tail_.append(data, length);
    if (!sink_failed_) {
        sink_failed_ = !write_all(sink_, data, length);
    }
}

}  // namespace optml::process
