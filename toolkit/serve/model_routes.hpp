#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "toolkit/http/server.hpp"
#include "toolkit/serve/model_host.hpp"

namespace optml::serve {

// The multi-model management API's paths (/models, /models/{name},
// /models/{name}/invoke): requests checked and turned into ModelHost calls. Names in paths
// are percent-decoded.
class ModelRoutes {
  public:
    explicit ModelRoutes(ModelHost& host) : host_(host) {}
    // `path` starts with /models (no query); `query` is what followed the '?'.
    void on_request(std::string_view path, std::string_view query, http::Request& request,
                    http::Reply reply);

  private:
    void on_load(http::Request& request, http::Reply reply);
    void on_list(std::string_view query, http::Reply reply);

    ModelHost& host_;
};

// %XX decoded ('+' kept: paths are not forms); nullopt for a broken escape.
std::optional<std::string> percent_decode(std::string_view text);
// The decoded value of `name` in a query string (a=1&b=2), if present.
std::optional<std::string> query_value(std::string_view query, std::string_view name);
// Empty when `name` may be a model's name, else why not.
std::string model_name_problem(std::string_view name);

}  // namespace optml::serve
