#include "toolkit/remote/arguments.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"

namespace optml::remote {

namespace {

// The options that take a value; argparse would also accept unique prefixes, the SDK never
// sends them.
constexpr std::string_view kValued[] = {"s3_base_uri",
                                        "region",
                                        "client_python_version",
                                        "client_sagemaker_pysdk_version",
                                        "dependency_settings",
                                        "s3_kms_key",
                                        "job_conda_env",
                                        "distribution",
                                        "user_nproc_per_node",
                                        "run_in_context",
                                        "serialize_output_to_json"};

bool takes_value(std::string_view name) {
    return std::find(std::begin(kValued), std::end(kValued), name) != std::end(kValued);
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

RemoteArguments parse_remote_arguments(std::span<const std::string> arguments) {
    std::map<std::string, std::string, std::less<>> values;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (!argument.starts_with("--")) continue;
        const std::size_t equals = argument.find('=');
        const std::string name =
            argument.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
        if (!takes_value(name)) continue;
        if (equals != std::string::npos) {
            values[name] = argument.substr(equals + 1);
        } else if (i + 1 < arguments.size()) {
            values[name] = arguments[++i];
        } else {
            throw errors::Error(errors::ErrorKind::Configuration,
                                "train remote-function: --" + name + " needs a value.");
        }
    }
    auto take = [&](std::string_view name) -> std::optional<std::string> {
        const auto found = values.find(name);
        if (found == values.end()) return std::nullopt;
        return found->second;
    };
    RemoteArguments parsed;
    for (std::string_view required : {"s3_base_uri", "region"}) {
        if (!take(required)) {
            throw errors::Error(errors::ErrorKind::Configuration,
                                "train remote-function needs --" + std::string(required) +
                                    " (the SDK's container arguments, see JOB_INTERFACE.md).");
        }
    }
    parsed.s3_base_uri = *take("s3_base_uri");
    parsed.region = *take("region");
    parsed.client_python_version = take("client_python_version");
    parsed.client_sagemaker_pysdk_version = take("client_sagemaker_pysdk_version");
    parsed.dependency_settings = take("dependency_settings");
    parsed.s3_kms_key = take("s3_kms_key");
    parsed.job_conda_env = take("job_conda_env");
    parsed.distribution = take("distribution");
    parsed.user_nproc_per_node = take("user_nproc_per_node");
    parsed.run_in_context = take("run_in_context");
    // argparse's type=lambda x: str(x).lower() == "true"
    parsed.serialize_output_to_json =
        lower(take("serialize_output_to_json").value_or("")) == "true";
    while (parsed.s3_base_uri.size() > 1 && parsed.s3_base_uri.ends_with('/'))
        parsed.s3_base_uri.pop_back();
    return parsed;
}

DependencySettings parse_dependency_settings(const std::optional<std::string>& text) {
    DependencySettings settings;
    if (!text) return settings;
    settings.given = true;
    pyjson::Value value;
    try {
        value = pyjson::loads(*text);
    } catch (const std::exception&) {
        throw errors::Error(errors::ErrorKind::RuntimeEnvironment,
                            "--dependency_settings is not valid JSON.");
    }
    if (!value.is_dict()) {
        throw errors::Error(errors::ErrorKind::RuntimeEnvironment,
                            "--dependency_settings must be a JSON object.");
    }
    const pyjson::Value* file = value.as_dict().find("dependency_file");
    if (file != nullptr && file->is_str()) settings.dependency_file = file->as_str();
    return settings;
}

}  // namespace optml::remote
