#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "toolkit/http/limits.hpp"

// An HTTP/1.1 server on Boost.Beast's parser: keep-alive, chunked request bodies, one request
// at a time per connection in order (pipelined requests wait in the read buffer), limits
// checked before a body is read. It knows nothing of what it serves: a Handler answers.
namespace optml::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

class Connection;

// The one answer to one request. Move-only; dropping it unanswered answers 500 and closes the
// connection, so a request can never hang forever. Answering a connection whose client went
// away does nothing.
class Reply {
  public:
    Reply() = default;
    explicit Reply(std::shared_ptr<Connection> connection) : connection_(std::move(connection)) {}
    Reply(Reply&&) noexcept = default;
    Reply& operator=(Reply&& other) noexcept;
    Reply(const Reply&) = delete;
    Reply& operator=(const Reply&) = delete;
    ~Reply();

    // `content_type` and `extra_fields` (append_extra_field's lines) are copied before send
    // returns; `body` is moved in.
    void send(unsigned status, std::string_view content_type, std::string body,
              std::string_view extra_fields = {});
    // A body that outlives the connection (a constant).
    void send_static(unsigned status, std::string_view content_type, std::string_view body,
                     std::string_view allow = {});
    explicit operator bool() const { return connection_ != nullptr; }

  private:
    void abandon();
    std::shared_ptr<Connection> connection_;
};

class Handler {
  public:
    virtual ~Handler() = default;
    // The request belongs to the connection until the reply is sent: move the body out.
    virtual void on_request(Request& request, Reply reply) = 0;
};

class Server {
  public:
    Server(boost::asio::io_context& io, Handler& handler, Limits limits);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens (SO_REUSEADDR), then accepts. Throws boost::system::system_error.
    void listen(const boost::asio::ip::tcp::endpoint& endpoint);
    unsigned short port() const;

    // Stops accepting (connections already in the kernel's backlog are still taken); idle
    // keep-alive connections close within half a second, the others after their current
    // request is answered. `on_drained` runs (posted) once no connection is left.
    void drain(std::function<void()> on_drained);
    // Closes the listener and every connection at once.
    void close();
    std::size_t open_connections() const;

    struct Core;

  private:
    void accept();
    void start_connection(boost::asio::ip::tcp::socket socket, const std::shared_ptr<Core>& core);
    void sweep();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer sweep_timer_;
    std::shared_ptr<Core> core_;
};

}  // namespace optml::http
