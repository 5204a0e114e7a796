#pragma once

// s3rver (npm, tests/.node) on a free 127.0.0.1 port with its data in a temporary folder,
// stopped by PID when the object goes away (also when the test fails).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace optml::testing {

inline std::filesystem::path s3rver_script() {
    return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".node" / "node_modules" /
           "s3rver" / "bin" / "s3rver.js";
}

// Why s3rver cannot run here, or nullopt.
inline std::optional<std::string> s3rver_missing() {
    if (std::system("command -v node >/dev/null 2>&1") != 0) return "node is not installed";
    if (!std::filesystem::exists(s3rver_script()))
        return "s3rver is not installed under tests/.node";
    return std::nullopt;
}

class S3rverProcess {
  public:
    explicit S3rverProcess(const std::vector<std::string>& buckets) {
        directory_ =
            std::filesystem::temp_directory_path() /
            ("optml-s3rver-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        std::filesystem::create_directories(directory_);
        for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) {
            port_ = free_port();
            std::vector<std::string> args{"node",        s3rver_script().string(),
                                          "--directory", directory_.string(),
                                          "--address",   "127.0.0.1",
                                          "--port",      std::to_string(port_),
                                          "--silent",    "--no-vhost-buckets"};
            for (const std::string& bucket : buckets) {
                args.push_back("--configure-bucket");
                args.push_back(bucket);
            }
            std::vector<std::string> env_strings{"NODE_OPTIONS=--openssl-legacy-provider"};
            for (char** entry = environ; *entry != nullptr; ++entry) {
                if (std::string(*entry).rfind("NODE_OPTIONS=", 0) != 0)
                    env_strings.emplace_back(*entry);
            }
            std::vector<char*> argv;
            for (std::string& arg : args) argv.push_back(arg.data());
            argv.push_back(nullptr);
            std::vector<char*> envp;
            for (std::string& entry : env_strings) envp.push_back(entry.data());
            envp.push_back(nullptr);
            pid_t pid = -1;
            if (posix_spawnp(&pid, "node", nullptr, nullptr, argv.data(), envp.data()) != 0) break;
            pid_ = pid;
            if (!wait_until_listening()) stop();
        }
        if (pid_ <= 0) throw std::runtime_error("s3rver did not start");
    }
    S3rverProcess(const S3rverProcess&) = delete;
    S3rverProcess& operator=(const S3rverProcess&) = delete;
    ~S3rverProcess() {
        stop();
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }

    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    static int& counter() {
        static int value = 0;
        return value;
    }

    static int free_port() {
        const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
        ::close(probe);
        return ntohs(address.sin_port);
    }

    bool wait_until_listening() const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) return false;
            const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            address.sin_port = htons(static_cast<uint16_t>(port_));
            const bool open =
                ::connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
            ::close(probe);
            if (open) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling with a deadline
        }
        return false;
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        pid_ = -1;
    }

    std::filesystem::path directory_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace optml::testing
