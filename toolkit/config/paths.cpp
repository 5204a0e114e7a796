#include "toolkit/config/paths.hpp"

#include "toolkit/config/settings.hpp"

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
    return under(*setting_text(setting_row("SAGEMAKER_BASE_DIR"), environment));
}

std::string Paths::channel_dir(const std::string& channel) const {
    return (input_data / channel).string();
}

}  // namespace optml::config
