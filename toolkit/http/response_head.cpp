#include "toolkit/http/response_head.hpp"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ctime>
#include <ostream>

namespace optml::http {

namespace {

void append_number(std::string& out, std::size_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

}  // namespace

void render_head(const ResponseHead& head, std::string_view date_field, std::string& out) {
    const unsigned status = head.status >= 100 && head.status <= 599 ? head.status : 500;
    std::string_view reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    if (reason.empty() || reason == "<unknown-status>") reason = "Unknown";
    out.clear();
    out.append("HTTP/1.1 ");
    append_number(out, status);
    out.push_back(' ');
    out.append(reason);
    out.append("\r\n");
    if (!head.content_type.empty()) {
        out.append("Content-Type: ");
        out.append(head.content_type);
        out.append("\r\n");
    }
    out.append("Content-Length: ");
    append_number(out, head.content_length);
    out.append("\r\n");
    out.append(date_field);
    if (!head.allow.empty()) {
        out.append("Allow: ");
        out.append(head.allow);
        out.append("\r\n");
    }
    out.append(head.extra_fields);
    if (head.close) {
        out.append("Connection: close\r\n");
    } else if (head.http10_keep_alive) {
        out.append("Connection: keep-alive\r\n");
    }
    out.append("\r\n");
}

std::string current_date_field() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[64];
    const std::size_t length =
        std::strftime(text, sizeof text, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &utc);
    return std::string(text, length);
}

bool is_safe_field_value(std::string_view value) {
    for (const char c : value) {
        if (c == '\r' || c == '\n' || c == '\0') return false;
    }
    return true;
}

bool append_extra_field(std::string& fields, std::string_view name, std::string_view value) {
    static constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
    if (name.empty() || !is_safe_field_value(value)) return false;
    std::string lowered;
    for (const char c : name) {
        const bool token = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                           (c >= 'A' && c <= 'Z') ||
                           kTokenPunctuation.find(c) != std::string_view::npos;
        if (!token) return false;
        lowered.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    for (const std::string_view owned :
         {"content-length", "content-type", "connection", "date", "transfer-encoding", "keep-alive",
          "upgrade", "trailer", "allow"}) {
        if (lowered == owned) return false;
    }
    fields.append(name);
    fields.append(": ");
    fields.append(value);
    fields.append("\r\n");
    return true;
}

}  // namespace optml::http
