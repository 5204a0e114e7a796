#include "toolkit/mpi/rank_exports.hpp"

#include <array>
#include <string_view>

#include "toolkit/launchers/environment_list.hpp"

namespace optml::mpi {

namespace {

constexpr std::array<std::string_view, 6> kAwsVariables = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_REGION",        "AWS_DEFAULT_REGION",
};

// OPTML_REMOTE_*: where a remote function's invoker finds its payloads on every host.
bool is_job_variable(std::string_view name) {
    return name.starts_with("SM_") || name.starts_with("SAGEMAKER_") || name == "CURRENT_HOST" ||
           name == "PYTHONPATH" || name.starts_with("OPTML_REMOTE_");
}

}  // namespace

std::vector<std::string> rank_variable_names(const std::vector<std::string>& program_environment) {
    std::vector<std::string> names;
    for (std::string_view aws : kAwsVariables) {
        if (launchers::environment_value(program_environment, aws)) names.emplace_back(aws);
    }
    for (std::string& name : launchers::environment_names(program_environment)) {
        if (is_job_variable(name)) names.push_back(std::move(name));
    }
    return names;
}

}  // namespace optml::mpi
