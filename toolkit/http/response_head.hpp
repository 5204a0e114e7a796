#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace optml::http {

// The status line and header fields of a response, rendered into a reused buffer (no
// allocation once it has grown). The reason phrase is the standard one for the status, so
// it never carries CR or LF; a status outside 100..599 is sent as 500.
struct ResponseHead {
    unsigned status = 200;
    std::string_view content_type;  // omitted when empty
    std::size_t content_length = 0;
    std::string_view allow;          // the Allow field of a 405, omitted when empty
    std::string_view extra_fields;   // whole "Name: value\r\n" lines, already checked
    bool close = false;              // Connection: close
    bool http10_keep_alive = false;  // an HTTP/1.0 client asked for keep-alive
};

void render_head(const ResponseHead& head, std::string_view date_field, std::string& out);

// "Date: Wed, 25 Nov 2026 16:44:01 GMT\r\n" for the current time.
std::string current_date_field();

// A value for a field may not hold CR, LF or NUL (a worker's content type, for example).
bool is_safe_field_value(std::string_view value);

// Appends "name: value\r\n" when the name is an HTTP token and the value is safe, and the
// field is not one the server owns (Content-Length, Content-Type, Connection, Date,
// Transfer-Encoding...). Returns whether it was appended.
bool append_extra_field(std::string& fields, std::string_view name, std::string_view value);

}  // namespace optml::http
