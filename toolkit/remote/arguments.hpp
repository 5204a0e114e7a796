#pragma once

#include <optional>
#include <span>
#include <string>

// The SDK's container arguments for a remote-function job (job.py's container_args), as
// `train remote-function` receives them. Unknown arguments are ignored, as the SDK's
// bootstrap and invoker do (argparse's parse_known_args).
namespace optml::remote {

struct RemoteArguments {
    std::string s3_base_uri;  // <s3_root_uri>/<job_name>: s3://... or file:///...
    std::string region;
    std::optional<std::string> client_python_version;           // "3.11"
    std::optional<std::string> client_sagemaker_pysdk_version;  // "2.232.1"
    std::optional<std::string> dependency_settings;             // {"dependency_file": ...}
    std::optional<std::string> s3_kms_key;
    std::optional<std::string> job_conda_env;
    std::optional<std::string> distribution;  // torchrun, mpirun
    std::optional<std::string> user_nproc_per_node;
    std::optional<std::string> run_in_context;
    bool serialize_output_to_json = false;
};

// Reads `--name value` and `--name=value` pairs. Throws errors::Error(Configuration) naming
// the argument when --s3_base_uri or --region is missing, or an argument lacks its value.
RemoteArguments parse_remote_arguments(std::span<const std::string> arguments);

// {"dependency_file": "requirements.txt"} → "requirements.txt"; null, a missing key or no
// settings at all → nullopt (`given` tells the last two apart). Throws
// errors::Error(RuntimeEnvironment) for text that is not a JSON object.
struct DependencySettings {
    bool given = false;
    std::optional<std::string> dependency_file;
};
DependencySettings parse_dependency_settings(const std::optional<std::string>& text);

}  // namespace optml::remote
