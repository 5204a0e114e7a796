#include "toolkit/s3/client_options.hpp"

namespace optml::s3 {

ClientOptions client_options_from_environment(const system::EnvironmentSnapshot& environment) {
    ClientOptions options;
    for (const char* name : {"SAGEMAKER_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
        if (const auto region = environment.get(name); region && !region->empty()) {
            options.region = *region;
            break;
        }
    }
    options.endpoint = environment.get_or("S3_ENDPOINT_URL", "");
    while (!options.endpoint.empty() && options.endpoint.back() == '/') options.endpoint.pop_back();
    const std::string style = environment.get_or("OPTML_S3_ADDRESSING_STYLE", "");
    if (style == "path")
        options.path_style = true;
    else if (style == "virtual")
        options.path_style = false;
    return options;
}

}  // namespace optml::s3
