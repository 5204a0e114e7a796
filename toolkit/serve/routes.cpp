#include "toolkit/serve/routes.hpp"

#include "toolkit/serve/frame.hpp"

namespace optml::serve {

namespace {

namespace beast_http = boost::beast::http;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain; charset=utf-8";

// The path without its query string.
std::string_view path_of(std::string_view target) {
    const auto query = target.find('?');
    return query == std::string_view::npos ? target : target.substr(0, query);
}

bool is_read(beast_http::verb method) {
    return method == beast_http::verb::get || method == beast_http::verb::head;
}

}  // namespace

std::string execution_parameters_json(const ServeSettings& settings) {
    std::string body = R"({"MaxConcurrentTransforms": )" +
                       std::to_string(settings.max_concurrent_transforms) +
                       R"(, "BatchStrategy": )";
    append_json_string(body, settings.batch_strategy);
    body += R"(, "MaxPayloadInMB": )" + std::to_string(settings.max_payload_mb) + "}";
    return body;
}

Routes::Routes(const ServeSettings& settings, Backend& backend, ModelRoutes* models)
    : backend_(backend),
      models_(models),
      execution_parameters_(execution_parameters_json(settings)) {}

void Routes::on_request(http::Request& request, http::Reply reply) {
    const std::string_view target = request.target();
    const std::string_view path = path_of(target);
    const beast_http::verb method = request.method();
    if (path == "/ping") {
        if (!is_read(method)) {
            reply.send_static(405, kText, "Method Not Allowed\n", "GET, HEAD");
        } else if (backend_.healthy()) {
            reply.send_static(200, kJson, "{\"status\": \"Healthy\"}\n");
        } else {
            reply.send_static(503, kJson, "{\"status\": \"Unhealthy\"}\n");
        }
        return;
    }
    if (path == "/invocations") {
        if (method != beast_http::verb::post) {
            reply.send_static(405, kText, "Method Not Allowed\n", "POST");
            return;
        }
        backend_.submit(request, std::move(reply));
        return;
    }
    if (path == "/execution-parameters") {
        if (!is_read(method)) {
            reply.send_static(405, kText, "Method Not Allowed\n", "GET, HEAD");
            return;
        }
        reply.send_static(200, kJson, execution_parameters_);
        return;
    }
    if (models_ != nullptr && (path == "/models" || path.starts_with("/models/"))) {
        const std::string_view query =
            path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view();
        models_->on_request(path, query, request, std::move(reply));
        return;
    }
    reply.send_static(404, kText, "Not Found\n");
}

}  // namespace optml::serve
