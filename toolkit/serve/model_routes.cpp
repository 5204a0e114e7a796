#include "toolkit/serve/model_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "toolkit/serve/model_api.hpp"

namespace optml::serve {

namespace {

namespace beast_http = boost::beast::http;

constexpr std::string_view kBadRequest = "BadRequestException";
constexpr std::size_t kMaxNameBytes = 256;
constexpr long long kMaxPage = 100;  // the reference's largest and default page

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void method_not_allowed(http::Reply& reply, std::string_view allow) {
    reply.send_static(405, "text/plain; charset=utf-8", "Method Not Allowed\n", allow);
}

// A page parameter as the reference reads it: absent gives `fallback`; not an integer is an
// error (nullopt).
std::optional<long long> page_parameter(std::string_view query, std::string_view name,
                                        long long fallback) {
    const auto text = query_value(query, name);
    if (!text) return fallback;
    long long value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t k = 0; k < text.size(); ++k) {
        if (text[k] != '%') {
            decoded.push_back(text[k]);
            continue;
        }
        if (k + 2 >= text.size()) return std::nullopt;
        const int high = hex_value(text[k + 1]);
        const int low = hex_value(text[k + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        decoded.push_back(static_cast<char>(high * 16 + low));
        k += 2;
    }
    return decoded;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const auto equals = pair.find('=');
        if (pair.substr(0, equals) != name) continue;
        if (equals == std::string_view::npos) return std::string();
        return percent_decode(pair.substr(equals + 1));
    }
    return std::nullopt;
}

std::string model_name_problem(std::string_view name) {
    if (name.empty()) return "model_name is empty.";
    if (name.size() > kMaxNameBytes) return "model_name is longer than 256 bytes.";
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return "model_name contains a control character.";
        if (c == '/') return "model_name contains '/'.";
    }
    return {};
}

void ModelRoutes::on_request(std::string_view path, std::string_view query, http::Request& request,
                             http::Reply reply) {
    const beast_http::verb method = request.method();
    if (path == "/models" || path == "/models/") {
        if (method == beast_http::verb::get) {
            on_list(query, std::move(reply));
        } else if (method == beast_http::verb::post) {
            on_load(request, std::move(reply));
        } else {
            method_not_allowed(reply, "GET, POST");
        }
        return;
    }
    std::string_view rest = path.substr(std::string_view("/models/").size());
    bool invoke = false;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (rest.substr(slash) != "/invoke") {
            send_model_error(reply, 404, "ResourceNotFoundException",
                             "Not found: " + std::string(path));
            return;
        }
        invoke = true;
        rest = rest.substr(0, slash);
    }
    const auto name = percent_decode(rest);
    if (!name || !model_name_problem(*name).empty()) {
        send_model_error(reply, 400, kBadRequest, "The model name in the path is not valid.");
        return;
    }
    if (invoke) {
        if (method != beast_http::verb::post) {
            method_not_allowed(reply, "POST");
            return;
        }
        host_.invoke(*name, request, std::move(reply));
        return;
    }
    if (method == beast_http::verb::get) {
        host_.describe(*name, std::move(reply));
    } else if (method == beast_http::verb::delete_) {
        host_.unload(*name, std::move(reply));
    } else {
        method_not_allowed(reply, "GET, DELETE");
    }
}

void ModelRoutes::on_load(http::Request& request, http::Reply reply) {
    const nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, false);
    if (!body.is_object()) {
        send_model_error(reply, 400, kBadRequest,
                         "The body of POST /models must be a JSON object with model_name and "
                         "url.");
        return;
    }
    const auto name = body.find("model_name");
    const auto url = body.find("url");
    if (name == body.end() || !name->is_string() || url == body.end() || !url->is_string()) {
        send_model_error(reply, 400, kBadRequest,
                         "POST /models needs model_name and url, both strings.");
        return;
    }
    const std::string model_name = name->get<std::string>();
    if (const std::string problem = model_name_problem(model_name); !problem.empty()) {
        send_model_error(reply, 400, kBadRequest, problem);
        return;
    }
    const std::string model_url = url->get<std::string>();
    if (model_url.empty() || model_url.find('\0') != std::string::npos) {
        send_model_error(reply, 400, kBadRequest, "url must name a local folder.");
        return;
    }
    host_.load(model_name, model_url, std::move(reply));
}

void ModelRoutes::on_list(std::string_view query, http::Reply reply) {
    auto limit = page_parameter(query, "limit", kMaxPage);
    auto first = page_parameter(query, "next_page_token", 0);
    if (!limit || !first) {
        send_model_error(reply, 400, kBadRequest, "limit and next_page_token must be integers.");
        return;
    }
    if (*limit > kMaxPage || *limit < 0) limit = kMaxPage;
    if (*first < 0) first = 0;
    host_.list(static_cast<std::size_t>(*first), static_cast<std::size_t>(*limit),
               std::move(reply));
}

}  // namespace optml::serve
