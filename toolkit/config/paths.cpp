#include "toolkit/config/paths.hpp"

namespace optml::config {

Paths Paths::under(const std::filesystem::path& base) {
    Paths paths;
    paths.base = base;
    paths.code = base / "code";
    paths.model = base / "model";
    paths.input = base / "input";
    paths.input_config = paths.input / "config";
    paths.input_data = paths.input / "data";
    paths.output = base / "output";
    paths.output_data = paths.output / "data";
    paths.output_intermediate = paths.output / "intermediate";
    return paths;
}

Paths Paths::from_environment(const system::EnvironmentSnapshot& environment) {
    return under(environment.get_or("SAGEMAKER_BASE_DIR", "/opt/ml"));
}

std::string Paths::channel_dir(const std::string& channel) const {
    return (input_data / channel).string();
}

}  // namespace optml::config
