#pragma once

#include <string>

#include "toolkit/http/server.hpp"
#include "toolkit/serve/settings.hpp"
#include "toolkit/serve/worker_pool.hpp"

namespace optml::serve {

// The SageMaker inference contract's paths: /ping and /execution-parameters are answered
// here at once (never queued behind invocations), /invocations goes to the worker pool.
class Routes : public http::Handler {
  public:
    Routes(const ServeSettings& settings, WorkerPool& pool);
    void on_request(http::Request& request, http::Reply reply) override;

  private:
    WorkerPool& pool_;
    std::string execution_parameters_;
};

// The /execution-parameters body.
std::string execution_parameters_json(const ServeSettings& settings);

}  // namespace optml::serve
