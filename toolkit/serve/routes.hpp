#pragma once

#include <string>

#include "toolkit/http/server.hpp"
#include "toolkit/serve/backend.hpp"
#include "toolkit/serve/model_routes.hpp"
#include "toolkit/serve/settings.hpp"

namespace optml::serve {

// The SageMaker inference contract's paths: /ping and /execution-parameters are answered
// here at once (never queued behind invocations), /invocations goes to the backend, and on a
// multi-model endpoint the /models paths to `models`.
class Routes : public http::Handler {
  public:
    Routes(const ServeSettings& settings, Backend& backend, ModelRoutes* models = nullptr);
    void on_request(http::Request& request, http::Reply reply) override;

  private:
    Backend& backend_;
    ModelRoutes* models_;
    std::string execution_parameters_;
};

// The /execution-parameters body.
std::string execution_parameters_json(const ServeSettings& settings);

}  // namespace optml::serve
