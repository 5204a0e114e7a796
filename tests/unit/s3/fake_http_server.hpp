#pragma once

// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests of code that talks to
// credentials endpoints and S3. One connection at a time, one request per connection.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace optml::testing {

struct FakeRequest {
    std::string method;
    std::string target;                                        // path and query
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;

    std::string header(const std::string& name) const {
        for (const auto& [key, value] : headers) {
            if (key == name) return value;
        }
        return "";
    }
};

struct FakeResponse {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool drop = false;  // close the connection without answering
    std::size_t send_only =
        std::string::npos;  // announce the whole body, send this many bytes, close
};

class FakeHttpServer {
  public:
    using Handler = std::function<FakeResponse(const FakeRequest&)>;

    explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listener_ < 0 ||
            ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_, 16) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("fake HTTP server: cannot listen on 127.0.0.1");
        }
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;
    ~FakeHttpServer() {
        stopping_ = true;
        thread_.join();
        ::close(listener_);
    }

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<FakeRequest> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    void serve() {
        while (!stopping_) {
            pollfd ready{listener_, POLLIN, 0};
            if (::poll(&ready, 1, 50) <= 0) continue;  // wakes up to notice stopping_
            const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (connection < 0) continue;
            handle(connection);
            ::close(connection);
        }
    }

    void handle(int connection) {
        std::string data;
        char buffer[65536];
        std::size_t head_end = std::string::npos;
        while (head_end == std::string::npos) {
            const ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
            if (got <= 0) return;
            data.append(buffer, static_cast<std::size_t>(got));
            head_end = data.find("\r\n\r\n");
        }
        FakeRequest request;
        const std::string head = data.substr(0, head_end);
        std::size_t line_end = head.find("\r\n");
        const std::string first = head.substr(0, line_end);
        request.method = first.substr(0, first.find(' '));
        request.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
        std::size_t content_length = 0;
        while (line_end != std::string::npos && line_end < head.size()) {
            const std::size_t next = head.find("\r\n", line_end + 2);
            const std::string line = head.substr(
                line_end + 2, (next == std::string::npos ? head.size() : next) - line_end - 2);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (char& c : name)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                std::string value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                if (name == "content-length") content_length = std::stoul(value);
                request.headers.emplace_back(name, value);
            }
            line_end = next;
        }
        request.body = data.substr(head_end + 4);
        while (request.body.size() < content_length) {
            const ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
            if (got <= 0) return;
            request.body.append(buffer, static_cast<std::size_t>(got));
        }
        {
            const std::lock_guard lock(mutex_);
            requests_.push_back(request);
        }
        const FakeResponse response = handler_(request);
        if (response.drop) return;
        std::string answer = "HTTP/1.1 " + std::to_string(response.status) +
                             " X\r\nContent-Length: " + std::to_string(response.body.size()) +
                             "\r\nConnection: close\r\n";
        for (const auto& [name, value] : response.headers) answer += name + ": " + value + "\r\n";
        answer += "\r\n" + response.body.substr(0, response.send_only);
        std::size_t sent = 0;
        while (sent < answer.size()) {
            const ssize_t wrote =
                ::send(connection, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
            if (wrote <= 0) return;
            sent += static_cast<std::size_t>(wrote);
        }
    }

    Handler handler_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<FakeRequest> requests_;
};

}  // namespace optml::testing
