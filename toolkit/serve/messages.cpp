#include "toolkit/serve/messages.hpp"

#include <boost/beast/http/field.hpp>
#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "toolkit/http/response_head.hpp"
#include "toolkit/serve/frame.hpp"

namespace optml::serve {

namespace {

template <typename T>
void read_field(const nlohmann::json& object, const char* name, T& into) {
    const auto found = object.find(name);
    if (found == object.end() || found->is_null()) return;
    if constexpr (std::is_same_v<T, std::string>) {
        if (found->is_string()) into = found->get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (found->is_boolean()) into = found->get<bool>();
    } else {
        if (found->is_number_integer()) into = found->get<T>();
    }
}

void append_number(std::string& out, std::uint64_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

void append_optional(std::string& out, std::string_view value, bool present) {
    if (present) {
        append_json_string(out, value);
    } else {
        out.append("null");
    }
}

}  // namespace

WorkerMessage parse_worker_message(std::string_view header) {
    const nlohmann::json object = nlohmann::json::parse(header, nullptr, false);
    if (!object.is_object() || !object.contains("type") || !object["type"].is_string()) {
        throw std::runtime_error("a frame header that is not a JSON object with a \"type\"");
    }
    WorkerMessage message;
    message.type = object["type"].get<std::string>();
    read_field(object, "id", message.id);
    read_field(object, "status", message.status);
    read_field(object, "content_type", message.content_type);
    read_field(object, "role", message.role);
    read_field(object, "worker_id", message.worker_id);
    read_field(object, "pid", message.pid);
    read_field(object, "fork_safe", message.fork_safe);
    read_field(object, "reason", message.reason);
    read_field(object, "message", message.message);
    read_field(object, "error_type", message.error_type);
    if (const auto headers = object.find("headers");
        headers != object.end() && headers->is_object()) {
        for (const auto& [name, value] : headers->items()) {
            // Unsafe names and values, and fields the server owns, are dropped.
            if (value.is_string()) {
                http::append_extra_field(message.extra_fields, name, value.get<std::string>());
            }
        }
    }
    return message;
}

void write_invoke_header(std::uint64_t id, const http::Request& request, std::string& out) {
    namespace beast_http = boost::beast::http;
    out.clear();
    out.append(R"({"type":"invoke","id":)");
    append_number(out, id);
    out.append(R"(,"content_type":)");
    auto content_type = request.find(beast_http::field::content_type);
    if (content_type == request.end()) content_type = request.find("ContentType");
    append_optional(out, content_type != request.end() ? content_type->value() : "",
                    content_type != request.end());
    out.append(R"(,"accept":)");
    const auto accept = request.find(beast_http::field::accept);
    append_optional(out, accept != request.end() ? accept->value() : "", accept != request.end());
    out.append(R"(,"headers":{)");
    bool first = true;
    std::string lowered;
    for (const auto& field : request) {
        if (!first) out.push_back(',');
        first = false;
        lowered.assign(field.name_string());
        for (char& c : lowered) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        append_json_string(out, lowered);
        out.push_back(':');
        append_json_string(out, field.value());
    }
    out.append("}}");
}

std::string fork_header(int worker_id) {
    return R"({"type":"fork","worker_id":)" + std::to_string(worker_id) + "}";
}

std::string exit_header() {
    return R"({"type":"exit"})";
}

}  // namespace optml::serve
