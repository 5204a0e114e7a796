#include "toolkit/launchers/job_parameters.hpp"

#include "toolkit/config/python_values.hpp"
#include "toolkit/errors/error.hpp"

namespace optml::launchers {

namespace {

[[noreturn]] void throw_parameter_error(std::string_view name, const std::string& problem) {
    throw errors::Error(errors::ErrorKind::Configuration,
                        "hyperparameters.json key '" + std::string(name) + "' " + problem + ".");
}

}  // namespace

bool switched_on(const config::TrainingEnv& env, std::string_view name) {
    const pyjson::Value* value = env.additional_framework_parameters.find(name);
    return value != nullptr && config::is_truthy(*value);
}

std::optional<long long> positive_int_parameter(const config::TrainingEnv& env,
                                                std::string_view name) {
    const pyjson::Value* value = env.additional_framework_parameters.find(name);
    if (value == nullptr) return std::nullopt;
    std::optional<long long> number;
    if (value->is_int() && value->fits_int64()) {
        number = value->as_int64();
    } else if (value->is_str()) {
        number = config::parse_python_int(value->as_str());
    }
    if (!number || *number <= 0) {
        // The value itself stays out of the message, as every hyperparameter value does.
        throw_parameter_error(name, "must be a positive integer such as 2 (its type: " +
                                        std::string(value->type_name()) + ")");
    }
    return number;
}

std::string string_parameter(const config::TrainingEnv& env, std::string_view name) {
    const pyjson::Value* value = env.additional_framework_parameters.find(name);
    if (value == nullptr || value->is_none()) return "";
    if (!value->is_str()) {
        throw_parameter_error(name, "must be a string, not a " + std::string(value->type_name()));
    }
    return value->as_str();
}

}  // namespace optml::launchers
