#pragma once

// Shared by the process tests: helper programs, descriptor redirection, live output capture.

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "toolkit/process/command.hpp"
#include "toolkit/process/quiet_thread.hpp"

extern char** environ;

namespace optml::process::testing {

inline std::string helper_path(const std::string& name) {
    return std::string(OPTML_TEST_HELPERS_DIR) + "/" + name;
}

// A helper run with the test's own environment and directory.
inline Command helper_command(const std::string& name, std::vector<std::string> args = {}) {
    Command command;
    command.executable = helper_path(name);
    command.argv.push_back(command.executable);
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    for (char** entry = environ; *entry != nullptr; ++entry) {
        command.env.emplace_back(*entry);
    }
    command.cwd = std::filesystem::current_path();
    return command;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

class TempDir {
  public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "optml-process-XXXXXX");
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// Points `fd` at `target` for its lifetime (the programs inherit it; the relay writes to it).
class FdRedirect {
  public:
    FdRedirect(int fd, int target) : fd_(fd) {
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        saved_ = dup(fd);
        dup2(target, fd);
    }
    ~FdRedirect() { restore(); }
    FdRedirect(const FdRedirect&) = delete;
    FdRedirect& operator=(const FdRedirect&) = delete;
    void restore() {
        if (saved_ >= 0) {
            dup2(saved_, fd_);
            close(saved_);
            saved_ = -1;
        }
    }

  private:
    int fd_;
    int saved_ = -1;
};

// Sends `fd` to a file for its lifetime; contents() once the writers are done.
class FileCapture {
  public:
    FileCapture(int fd, const std::filesystem::path& path)
        : path_(path),
          file_(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)),
          redirect_(fd, file_) {}
    ~FileCapture() { close(file_); }
    std::string contents() {
        redirect_.restore();
        return read_file(path_);
    }

  private:
    std::filesystem::path path_;
    int file_;
    FdRedirect redirect_;
};

// Starts a thread with every signal blocked: process-directed signals the test sends to
// itself must reach the supervisor's sigtimedwait, never a helper thread (where SIGUSR1 would
// kill the test, or SIGCHLD would be swallowed).
template <typename Function>
std::thread start_signal_proof_thread(Function function) {
    return optml::process::start_quiet_thread(std::move(function));
}

// Sends `fd` to a pipe read live by a thread, so a test can wait for what a program printed.
class LiveCapture {
  public:
    explicit LiveCapture(int fd) {
        int data[2];
        int stop[2];
        if (pipe2(data, O_CLOEXEC) != 0 || pipe2(stop, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe failed");
        }
        read_fd_ = data[0];
        stop_read_ = stop[0];
        stop_write_ = stop[1];
        redirect_.emplace(fd, data[1]);
        close(data[1]);
        reader_ = start_signal_proof_thread([this] { read_until_eof(); });
    }
    ~LiveCapture() { finish(); }
    LiveCapture(const LiveCapture&) = delete;
    LiveCapture& operator=(const LiveCapture&) = delete;

    // True once the text read so far contains `expected`.
    bool wait_for(const std::string& expected, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout,
                                 [&] { return text_.find(expected) != std::string::npos; });
    }

    // Restores the descriptor and returns everything read (waits up to 5 s for EOF).
    std::string finish() {
        if (redirect_) {
            redirect_.reset();
            {
                std::unique_lock lock(mutex_);
                changed_.wait_for(lock, std::chrono::seconds(5), [&] { return eof_; });
            }
            close(stop_write_);
            reader_.join();
            close(stop_read_);
            close(read_fd_);
        }
        std::lock_guard lock(mutex_);
        return text_;
    }

  private:
    void read_until_eof() {
        pollfd fds[2] = {{read_fd_, POLLIN, 0}, {stop_read_, POLLIN, 0}};
        char buffer[4096];
        for (;;) {
            if (poll(fds, 2, -1) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                break;
            }
            if (fds[1].revents != 0) {
                break;
            }
            const ssize_t n = read(read_fd_, buffer, sizeof buffer);
            std::lock_guard lock(mutex_);
            if (n <= 0) {
                eof_ = true;
                changed_.notify_all();
                break;
            }
            text_.append(buffer, static_cast<std::size_t>(n));
            changed_.notify_all();
        }
    }

    int read_fd_ = -1;
    int stop_read_ = -1;
    int stop_write_ = -1;
    std::optional<FdRedirect> redirect_;  // engaged while the descriptor points at the pipe
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string text_;
    bool eof_ = false;
    std::thread reader_;
};

// Children of this process in state Z (exited, not reaped).
inline std::vector<pid_t> zombie_children() {
    std::vector<pid_t> zombies;
    const pid_t self = getpid();
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const std::string stat = read_file(entry.path() / "stat");
        const auto close_paren = stat.rfind(')');
        if (close_paren == std::string::npos) {
            continue;  // gone meanwhile
        }
        std::istringstream fields(stat.substr(close_paren + 1));
        char state = 0;
        pid_t parent = 0;
        fields >> state >> parent;
        if (state == 'Z' && parent == self) {
            zombies.push_back(std::stoi(name));
        }
    }
    return zombies;
}

// The bytes helper_write produces (see tests/helpers/helper_write.cpp).
inline std::string helper_write_pattern(const std::string& pattern, std::size_t total) {
    std::string bytes(total, '\0');
    for (std::size_t i = 0; i < total; ++i) {
        if (pattern == "line") {
            bytes[i] = i % 100 == 99 ? '\n' : static_cast<char>('a' + (i / 100) % 26);
        } else if (pattern == "single") {
            bytes[i] = i + 1 == total ? '\n' : static_cast<char>('a' + i % 26);
        } else if (pattern == "binary") {
            bytes[i] = static_cast<char>(static_cast<unsigned char>(i % 256));
        } else {
            bytes[i] =
                i % 64 == 63 ? '\n' : static_cast<char>(static_cast<unsigned char>(0x80 + i % 128));
        }
    }
    return bytes;
}

inline std::vector<pid_t> parse_pids(const std::string& text) {
    std::vector<pid_t> pids;
    std::istringstream lines(text);
    pid_t pid = 0;
    while (lines >> pid) {
        pids.push_back(pid);
    }
    return pids;
}

inline bool process_gone(pid_t pid) {
    return kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace optml::process::testing
