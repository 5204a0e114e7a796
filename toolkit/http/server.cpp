#include "toolkit/http/server.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <limits>
#include <list>
#include <optional>

#include "toolkit/http/response_head.hpp"

namespace optml::http {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// How much a read asks the kernel for; bodies arrive in pieces of this size.
constexpr std::size_t kReadChunk = 64 * 1024;
// After an error answer (413...) the client may still be sending: its bytes are read and
// dropped for this long so the close does not reset the connection under the answer.
constexpr std::chrono::milliseconds kLingerTimeout{2000};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// After a drain starts, how long a connection without a request may still send one.
constexpr std::chrono::milliseconds kDrainIdleGrace{200};

}  // namespace

struct Server::Core {
    Handler* handler;
    Limits limits;
    std::list<Connection*> connections;
    std::string date_field = current_date_field();
    bool draining = false;
    Clock::time_point drain_started{};
    std::function<void()> on_drained;
    asio::io_context* io;

    void connection_gone(std::list<Connection*>::iterator position) {
        connections.erase(position);
        if (draining && connections.empty() && on_drained) {
            asio::post(*io, std::exchange(on_drained, nullptr));
        }
    }
};

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    enum class State { Idle, Reading, Handling, Writing, Lingering, Closed };

    Connection(tcp::socket socket, std::shared_ptr<Server::Core> core)
        : socket_(std::move(socket)), core_(std::move(core)) {
        position_ = core_->connections.insert(core_->connections.end(), this);
    }
    ~Connection() { core_->connection_gone(position_); }

    void start() {
        new_parser();
        parse();
    }

    State state() const { return state_; }
    Clock::time_point since() const { return since_; }

    void close() {
        if (!closed_) {
            boost::system::error_code ignored;
            socket_.close(ignored);
            closed_ = true;
        }
        // A request being handled keeps its state: the reply finds the socket closed.
        if (state_ != State::Handling) state_ = State::Closed;
    }

    void respond(unsigned status, std::string_view content_type, std::string body,
                 std::string_view static_body, std::string_view allow, bool close_after,
                 std::string_view extra_fields = {}) {
        if (state_ != State::Handling) return;
        if (closed_) {
            state_ = State::Closed;
            return;
        }
        body_ = std::move(body);
        const std::string_view payload =
            static_body.data() != nullptr ? static_body : std::string_view(body_);
        ResponseHead head;
        head.status = status;
        head.content_type = is_safe_field_value(content_type) ? content_type : std::string_view();
        head.content_length = payload.size();
        head.allow = allow;
        head.extra_fields = extra_fields;
        close_after_write_ = close_after || !keep_alive_ || core_->draining;
        head.close = close_after_write_;
        head.http10_keep_alive = http10_ && !close_after_write_;
        render_head(head, core_->date_field, head_);
        state_ = State::Writing;
        since_ = Clock::now();
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(head_), head_only_ ? asio::const_buffer() : asio::buffer(payload)};
        asio::async_write(socket_, buffers,
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              self->on_written(ec);
                          });
    }

  private:
    void new_parser() {
        parser_.emplace();
        parser_->header_limit(core_->limits.max_header_bytes);
        // Not boost::none for "no limit": Beast 1.74 compares a Content-Length with the
        // optional limit, and every length is greater than none.
        parser_->body_limit(
            core_->limits.max_body_bytes.value_or(std::numeric_limits<std::uint64_t>::max()));
        header_checked_ = false;
    }

    void read() {
        socket_.async_read_some(
            buffer_.prepare(kReadChunk),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                self->on_read(ec, n);
            });
    }

    void on_read(boost::system::error_code ec, std::size_t n) {
        if (ec || closed_) {
            close();
            return;
        }
        buffer_.commit(n);
        parse();
    }

    void parse() {
        while (true) {
            if (buffer_.size() == 0) {
                if (state_ != State::Reading) {
                    state_ = State::Idle;
                    since_ = Clock::now();
                }
                read();
                return;
            }
            if (state_ != State::Reading) {
                state_ = State::Reading;
                since_ = Clock::now();
            }
            boost::beast::error_code ec;
            const std::size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == beast_http::error::need_more) {
                read();
                return;
            }
            if (ec) {
                reject(ec);
                return;
            }
            if (!header_checked_ && parser_->is_header_done()) {
                header_checked_ = true;
                if (!check_header()) return;
            }
            if (parser_->is_done()) {
                dispatch();
                return;
            }
        }
    }

    // Limits a body must meet before any of it is read; an Expect: 100-continue is answered.
    bool check_header() {
        const auto length = parser_->content_length();
        const auto& limit = core_->limits.max_body_bytes;
        if (limit && length && *length > *limit) {
            reject(beast_http::error::body_limit);
            return false;
        }
        parser_->eager(true);
        const auto& request = parser_->get();
        if (!parser_->is_done() && request.version() >= 11) {
            const auto expect = request[beast_http::field::expect];
            if (boost::beast::iequals(expect, "100-continue")) {
                // Tiny and at a point where nothing else is being written: sent in the
                // background while the body is read.
                asio::async_write(
                    socket_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) self->close();
                    });
            }
        }
        return true;
    }

    void reject(boost::beast::error_code ec) {
        unsigned status = 400;
        std::string_view text = "The request is not valid HTTP/1.1.\n";
        if (ec == beast_http::error::body_limit) {
            status = 413;
            text = "The request body is larger than the server accepts.\n";
        } else if (ec == beast_http::error::header_limit) {
            status = 431;
            text = "The request's header fields are larger than the server accepts.\n";
        }
        state_ = State::Handling;
        head_only_ = false;
        keep_alive_ = false;
        http10_ = false;
        respond(status, "text/plain; charset=utf-8", {}, text, {}, true);
    }

    void dispatch() {
        auto& request = parser_->get();
        keep_alive_ = request.keep_alive();
        http10_ = request.version() < 11;
        head_only_ = request.method() == beast_http::verb::head;
        state_ = State::Handling;
        core_->handler->on_request(request, Reply(shared_from_this()));
    }

    void on_written(boost::system::error_code ec) {
        body_.clear();
        if (ec || closed_) {
            state_ = State::Closed;
            close();
            return;
        }
        if (close_after_write_) {
            linger();
            return;
        }
        new_parser();
        state_ = State::Idle;
        parse();
    }

    // Half-closes and drops whatever the client still sends, until it closes or time is up.
    void linger() {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        state_ = State::Lingering;
        since_ = Clock::now();
        drop_input();
    }

    void drop_input() {
        buffer_.clear();
        socket_.async_read_some(
            buffer_.prepare(kReadChunk),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                if (ec || self->state_ != State::Lingering) {
                    self->close();
                } else {
                    self->drop_input();
                }
            });
    }

    tcp::socket socket_;
    std::shared_ptr<Server::Core> core_;
    std::list<Connection*>::iterator position_;
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    State state_ = State::Idle;
    Clock::time_point since_ = Clock::now();
    std::string head_;
    std::string body_;
    bool header_checked_ = false;
    bool keep_alive_ = true;
    bool http10_ = false;
    bool head_only_ = false;
    bool close_after_write_ = false;
    bool closed_ = false;
};

Reply& Reply::operator=(Reply&& other) noexcept {
    if (this != &other) {
        abandon();
        connection_ = std::move(other.connection_);
    }
    return *this;
}

Reply::~Reply() {
    abandon();
}

void Reply::abandon() {
    if (connection_) {
        send_static(500, "text/plain; charset=utf-8", "The request was dropped unanswered.\n");
    }
}

void Reply::send(unsigned status, std::string_view content_type, std::string body,
                 std::string_view extra_fields) {
    if (!connection_) return;
    const auto connection = std::move(connection_);
    connection->respond(status, content_type, std::move(body), {}, {}, false, extra_fields);
}

void Reply::send_static(unsigned status, std::string_view content_type, std::string_view body,
                        std::string_view allow) {
    if (!connection_) return;
    const auto connection = std::move(connection_);
    // A non-null view marks the static body, even when empty.
    const std::string_view static_body = body.data() != nullptr ? body : std::string_view("", 0);
    connection->respond(status, content_type, {}, static_body, allow, false);
}

Server::Server(asio::io_context& io, Handler& handler, Limits limits)
    : io_(io), acceptor_(io), sweep_timer_(io), core_(std::make_shared<Core>()) {
    core_->handler = &handler;
    core_->limits = limits;
    core_->io = &io;
}

Server::~Server() {
    close();
}

void Server::listen(const tcp::endpoint& endpoint) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    accept();
    sweep();
}

unsigned short Server::port() const {
    return acceptor_.local_endpoint().port();
}

void Server::accept() {
    acceptor_.async_accept([this, core = core_](boost::system::error_code ec, tcp::socket socket) {
        // A connection accepted just before a drain closed the listener is still served.
        if (!ec) start_connection(std::move(socket), core);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        accept();
    });
}

void Server::start_connection(tcp::socket socket, const std::shared_ptr<Core>& core) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Connection>(std::move(socket), core)->start();
}

void Server::sweep() {
    sweep_timer_.expires_after(kSweepInterval);
    sweep_timer_.async_wait([this, core = core_](boost::system::error_code ec) {
        if (ec) return;
        core->date_field = current_date_field();
        const auto now = Clock::now();
        const Limits& limits = core->limits;
        // close() never removes from the list: that happens when the last reference goes.
        for (Connection* connection : core->connections) {
            const auto age = now - connection->since();
            bool expired = false;
            switch (connection->state()) {
                case Connection::State::Idle:
                    // Draining: a connection with no request after the grace is closed.
                    expired = age > limits.idle_timeout ||
                              (core->draining && now - core->drain_started > kDrainIdleGrace);
                    break;
                case Connection::State::Reading:
                    expired = age > limits.read_timeout;
                    break;
                case Connection::State::Writing:
                    expired = age > limits.write_timeout;
                    break;
                case Connection::State::Lingering:
                    expired = age > kLingerTimeout;
                    break;
                case Connection::State::Handling:
                case Connection::State::Closed:
                    break;
            }
            if (expired) connection->close();
        }
        sweep();
    });
}

void Server::drain(std::function<void()> on_drained) {
    core_->draining = true;
    core_->drain_started = Clock::now();
    core_->on_drained = std::move(on_drained);
    // Connections the kernel completed before the stop belong to clients that may have sent
    // their request already: they are taken from the backlog and served, not reset.
    boost::system::error_code ec;
    acceptor_.non_blocking(true, ec);
    while (!ec && acceptor_.is_open()) {
        tcp::socket socket(io_);
        acceptor_.accept(socket, ec);
        if (!ec) start_connection(std::move(socket), core_);
    }
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    // Idle keep-alive connections close at the next sweep after kDrainIdleGrace: a request
    // already on its way still arrives and is answered.
    if (core_->connections.empty() && core_->on_drained) {
        asio::post(io_, std::exchange(core_->on_drained, nullptr));
    }
}

void Server::close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    sweep_timer_.cancel();
    for (Connection* connection : core_->connections) connection->close();
}

std::size_t Server::open_connections() const {
    return core_->connections.size();
}

}  // namespace optml::http
