#pragma once

#include <string_view>

#include "toolkit/http/server.hpp"

// The JSON answers of the multi-model management API, in the shapes of the reference's model
// server (multi-model-server), which SageMaker's platform and users' scripts read.
namespace optml::serve {

// {"code": <status>, "type": "<type>", "message": "<message>"}
void send_model_error(http::Reply& reply, unsigned status, std::string_view type,
                      std::string_view message);
// 200 {"status": "<text>"}
void send_model_status(http::Reply& reply, std::string_view text);

}  // namespace optml::serve
