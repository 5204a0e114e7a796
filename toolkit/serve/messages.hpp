#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "toolkit/http/server.hpp"

// The JSON headers of SERVE_PROTOCOL.md's frames: what the front end writes and reads.
namespace optml::serve {

// One message from a Python process; fields not in its type stay at their defaults.
struct WorkerMessage {
    std::string type;  // hello, loaded, ready, fatal, response (others are ignored)
    std::uint64_t id = 0;
    int status = 500;
    std::string content_type;
    std::string role;
    int worker_id = -1;
    long long pid = -1;
    bool fork_safe = false;
    std::string reason;
    std::string message;
    std::string error_type;  // fatal: the exception's class name, e.g. MemoryError
    // response: fields the handler set for the HTTP response, as append_extra_field lines.
    std::string extra_fields;
};

// Throws std::runtime_error when the header is not a JSON object with a string "type".
WorkerMessage parse_worker_message(std::string_view header);

// {"type":"invoke","id":..,"content_type":..,"accept":..,"headers":{..}} for `request`.
void write_invoke_header(std::uint64_t id, const http::Request& request, std::string& out);

// {"type":"fork","worker_id":k}, {"type":"exit"}.
std::string fork_header(int worker_id);
std::string exit_header();

}  // namespace optml::serve
