#include "toolkit/serve/model_api.hpp"

#include <nlohmann/json.hpp>

namespace optml::serve {

namespace {
constexpr std::string_view kJson = "application/json";
}

void send_model_error(http::Reply& reply, unsigned status, std::string_view type,
                      std::string_view message) {
    const nlohmann::ordered_json body = {{"code", status}, {"type", type}, {"message", message}};
    reply.send(status, kJson,
               body.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void send_model_status(http::Reply& reply, std::string_view text) {
    const nlohmann::ordered_json body = {{"status", text}};
    reply.send(200, kJson,
               body.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace optml::serve
