#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "toolkit/http/server.hpp"

using namespace optml::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Answers /echo with the body, /later when answer_later() is called, the rest with 404.
class TestHandler : public Handler {
  public:
    void on_request(Request& request, Reply reply) override {
        ++requests;
        if (request.target() == "/echo") {
            reply.send(200, "text/plain", std::move(request.body()));
        } else if (request.target() == "/later") {
            held = std::move(reply);
        } else {
            reply.send_static(404, "text/plain", "no\n");
        }
    }
    int requests = 0;
    Reply held;
};

// The server runs on its own thread; the test talks to it with blocking sockets.
struct Fixture {
    explicit Fixture(Limits limits = {}) : server(io, handler, limits) {
        server.listen({asio::ip::make_address("127.0.0.1"), 0});
        thread = std::thread([this] { io.run(); });
    }
    ~Fixture() {
        asio::post(io, [this] {
            server.close();
            io.stop();
        });
        thread.join();
    }
    tcp::socket connect() {
        tcp::socket socket(client_io);
        socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
        return socket;
    }
    asio::io_context io;
    asio::io_context client_io;
    TestHandler handler;
    Server server;
    std::thread thread;
};

// One response: head and Content-Length body.
std::string read_response(tcp::socket& socket, std::string& buffer) {
    asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n");
    const auto head_end = buffer.find("\r\n\r\n") + 4;
    const auto at = buffer.find("Content-Length: ");
    const std::size_t length = std::stoul(buffer.substr(at + 16));
    if (buffer.size() < head_end + length) {
        const std::size_t missing = head_end + length - buffer.size();
        std::string rest(missing, '\0');
        asio::read(socket, asio::buffer(rest));
        buffer += rest;
    }
    std::string response = buffer.substr(0, head_end + length);
    buffer.erase(0, head_end + length);
    return response;
}

}  // namespace

TEST_CASE("keep-alive and pipelined requests are answered in order on one connection") {
    Fixture fixture;
    auto socket = fixture.connect();
    asio::write(socket, asio::buffer(std::string(
                            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                            "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "2\r\ntw\r\n1\r\no\r\n0\r\n\r\n")));
    std::string buffer;
    const std::string first = read_response(socket, buffer);
    const std::string second = read_response(socket, buffer);
    const std::string third = read_response(socket, buffer);
    CHECK(first.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(first.ends_with("\r\n\r\none"));
    CHECK(second.starts_with("HTTP/1.1 404 Not Found\r\n"));
    CHECK(third.ends_with("\r\n\r\ntwo"));
}

TEST_CASE("a body over the limit is refused from its Content-Length alone") {
    Limits limits;
    limits.max_body_bytes = 10;
    Fixture fixture(limits);
    auto socket = fixture.connect();
    asio::write(
        socket,
        asio::buffer(std::string("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")));
    std::string buffer;
    const std::string response = read_response(socket, buffer);
    CHECK(response.starts_with("HTTP/1.1 413 Payload Too Large\r\n"));
    CHECK(response.find("Connection: close\r\n") != std::string::npos);
}

TEST_CASE("header fields over the limit get 431, garbage gets 400") {
    Limits limits;
    limits.max_header_bytes = 256;
    Fixture fixture(limits);
    {
        auto socket = fixture.connect();
        asio::write(
            socket,
            asio::buffer("GET /missing HTTP/1.1\r\nX-Big: " + std::string(1000, 'a') + "\r\n\r\n"));
        std::string buffer;
        CHECK(read_response(socket, buffer).starts_with("HTTP/1.1 431 "));
    }
    {
        auto socket = fixture.connect();
        asio::write(socket, asio::buffer(std::string("HELLO\r\n\r\n")));
        std::string buffer;
        CHECK(read_response(socket, buffer).starts_with("HTTP/1.1 400 Bad Request\r\n"));
    }
}

TEST_CASE("a request of HTTP/1.0 without keep-alive gets Connection: close") {
    Fixture fixture;
    auto socket = fixture.connect();
    asio::write(socket, asio::buffer(std::string("GET /missing HTTP/1.0\r\n\r\n")));
    std::string buffer;
    const std::string response = read_response(socket, buffer);
    CHECK(response.find("Connection: close\r\n") != std::string::npos);
}

TEST_CASE("drain closes idle connections and waits for the one being answered") {
    Fixture fixture;
    auto idle = fixture.connect();
    auto busy = fixture.connect();
    asio::write(busy, asio::buffer(std::string("GET /later HTTP/1.1\r\nHost: x\r\n\r\n")));
    std::string buffer;
    // The idle connection is known to the server once a request went through it.
    asio::write(idle, asio::buffer(std::string("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")));
    read_response(idle, buffer);
    std::promise<void> drained;
    asio::post(fixture.io, [&] { fixture.server.drain([&] { drained.set_value(); }); });
    // The idle one is closed by the server: EOF.
    char byte = 0;
    boost::system::error_code ec;
    asio::read(idle, asio::buffer(&byte, 1), ec);
    CHECK(ec == asio::error::eof);
    auto drained_future = drained.get_future();
    CHECK(drained_future.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
    asio::post(fixture.io, [&] { fixture.handler.held.send(200, "text/plain", "done"); });
    std::string busy_buffer;
    const std::string response = read_response(busy, busy_buffer);
    CHECK(response.ends_with("done"));
    CHECK(response.find("Connection: close\r\n") != std::string::npos);
    CHECK(drained_future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
}

TEST_CASE("a reply dropped unanswered answers 500") {
    Fixture fixture;
    auto socket = fixture.connect();
    asio::write(socket, asio::buffer(std::string("GET /later HTTP/1.1\r\nHost: x\r\n\r\n")));
    // Wait (bounded) until the handler holds the reply, then drop it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool holding = false;
    while (!holding && std::chrono::steady_clock::now() < deadline) {
        std::promise<bool> held;
        asio::post(fixture.io, [&] { held.set_value(static_cast<bool>(fixture.handler.held)); });
        holding = held.get_future().get();
    }
    REQUIRE(holding);
    asio::post(fixture.io, [&] { fixture.handler.held = Reply(); });
    std::string buffer;
    CHECK(read_response(socket, buffer).starts_with("HTTP/1.1 500 "));
}
