#include <algorithm>

#include "toolkit/bootstraps/bootstraps.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/exec_limits.hpp"

namespace optml::entry {

namespace {

std::vector<std::string> pip_environment(const std::vector<std::string>& program_environment) {
    // Debian-style interpreters refuse pip installs into the system site (PEP 668); inside a
    // training container that is exactly where the reference installs. No version check:
    // the job may have no route to PyPI.
    std::vector<std::string> environment;
    bool break_system_packages_set = false;
    for (const std::string& entry : program_environment) {
        if (entry.starts_with("PIP_BREAK_SYSTEM_PACKAGES=")) break_system_packages_set = true;
        environment.push_back(entry);
    }
    if (!break_system_packages_set) environment.push_back("PIP_BREAK_SYSTEM_PACKAGES=1");
    environment.push_back("PIP_DISABLE_PIP_VERSION_CHECK=1");
    environment.push_back("PIP_NO_INPUT=1");
    return environment;
}

process::Command python_command(const LaunchInputs& inputs,
                                std::vector<std::string> python_arguments,
                                bool with_job_arguments) {
    const std::string python = resolve_python(inputs.train_environment).string();
    process::Command command;
    command.executable = python;
    command.argv.push_back(python);
    for (std::string& argument : python_arguments) command.argv.push_back(std::move(argument));
    if (with_job_arguments) {
        command.argv.insert(command.argv.end(), inputs.arguments.begin(), inputs.arguments.end());
    }
    command.env = inputs.program_environment;
    command.cwd = inputs.env.paths.code;
    return command;
}

std::filesystem::path require_entry_point_file(const config::TrainingEnv& env,
                                               const std::string& entry_point) {
    std::filesystem::path file = env.paths.code.string() + "/" + entry_point;
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(file, ignored)) {
        throw errors::Error(errors::ErrorKind::EntryPoint,
                            "The entry point '" + entry_point +
                                "' named by SAGEMAKER_PROGRAM / sagemaker_program does not exist "
                                "in the code dir " +
                                env.paths.code.string() + ".");
    }
    return file;
}

std::pair<std::string, std::string> split_framework_module(const std::string& specification) {
    std::size_t colon = specification.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == specification.size()) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "SAGEMAKER_TRAINING_MODULE must read 'package.module:function'.");
    }
    return {specification.substr(0, colon), specification.substr(colon + 1)};
}

// A hyperparameter's name in a message: names are not secret, but one may be huge.
std::string short_name(const std::string& option) {
    std::string name = option.substr(option.find_first_not_of('-') == std::string::npos
                                         ? option.size()
                                         : option.find_first_not_of('-'));
    constexpr std::size_t kShown = 64;
    if (name.size() > kShown) name = name.substr(0, kShown) + "...";
    return "'" + name + "'";
}

// Refuses, before anything starts, a command execve would fail with E2BIG, naming what is too
// large: the kernel's "Argument list too long" names nothing.
void require_startable(const process::Command& command, const LaunchInputs& inputs,
                       const process::ExecLimits& limits) {
    const std::size_t first_job_argument =
        command.argv.size() >= inputs.arguments.size() &&
                std::equal(inputs.arguments.rbegin(), inputs.arguments.rend(),
                           command.argv.rbegin())
            ? command.argv.size() - inputs.arguments.size()
            : command.argv.size();
    auto argument_name = [&](std::size_t index) -> std::string {
        if (index < first_job_argument || inputs.arguments.empty()) return "";
        const std::size_t position = index - first_job_argument;
        if (position % 2 == 0) return "the name of a hyperparameter";
        return "the value of the hyperparameter " + short_name(inputs.arguments[position - 1]);
    };
    auto problem = process::exec_size_problem(command, limits, argument_name);
    if (!problem) return;
    // The SM_* variables repeat every hyperparameter, so the largest one is worth naming too.
    std::size_t largest_value = 0;
    std::string largest_name;
    for (std::size_t i = 1; i < inputs.arguments.size(); i += 2) {
        if (inputs.arguments[i].size() > largest_value) {
            largest_value = inputs.arguments[i].size();
            largest_name = short_name(inputs.arguments[i - 1]);
        }
    }
    if (largest_value > 0) {
        *problem += "; the largest hyperparameter is " + largest_name + " (" +
                    std::to_string(largest_value) + " bytes)";
    }
    throw errors::Error(errors::ErrorKind::Configuration,
                        *problem + "; pass large values in a file (a channel or the code dir).");
}

LaunchPlan build_plan(const LaunchInputs& inputs) {
    const config::TrainingEnv& env = inputs.env;
    LaunchPlan plan;
    std::error_code ignored;
    const std::filesystem::path& code = env.paths.code;

    if (std::filesystem::is_regular_file(code / "requirements.txt", ignored)) {
        plan.preparation.push_back(
            {python_command(inputs, {"-m", "pip", "install", "-r", "requirements.txt"}, false),
             errors::ErrorKind::InstallRequirements, "pip install -r requirements.txt"});
        plan.preparation.back().command.env = pip_environment(inputs.program_environment);
    }

    if (env.framework_module) {
        auto [module_name, function_name] = split_framework_module(*env.framework_module);
        plan.kind = EntryPointKind::FrameworkModule;
        plan.program = python_command(
            inputs, {"-c", std::string(bootstraps::framework_module()), module_name, function_name},
            false);
        return plan;
    }

    if (!env.user_entry_point || env.user_entry_point->empty()) {
        throw errors::Error(
            errors::ErrorKind::EntryPoint,
            "No entry point is named: set the sagemaker_program hyperparameter or "
            "the SAGEMAKER_PROGRAM environment variable to the script in the code "
            "dir (e.g. train.py), or SAGEMAKER_TRAINING_MODULE to pkg.module:function.");
    }
    const std::string& entry_point = *env.user_entry_point;
    bool has_setup_py = std::filesystem::is_regular_file(code / "setup.py", ignored);
    plan.kind = detect_kind(entry_point, has_setup_py);

    switch (plan.kind) {
        case EntryPointKind::PythonPackage:
            plan.preparation.push_back(
                {python_command(inputs, {"-m", "pip", "install", "."}, false),
                 errors::ErrorKind::InstallModule, "pip install ."});
            plan.preparation.back().command.env = pip_environment(inputs.program_environment);
            plan.program = python_command(inputs, {"-m", env.module_name}, true);
            break;
        case EntryPointKind::PythonModule:
            plan.program = python_command(inputs, {"-m", entry_point.substr(3)}, true);
            break;
        case EntryPointKind::PythonProgram:
            plan.entry_point_file = require_entry_point_file(env, entry_point);
            plan.program = python_command(inputs, {entry_point}, true);
            break;
        case EntryPointKind::Command:
        case EntryPointKind::FrameworkModule: {
            plan.entry_point_file = require_entry_point_file(env, entry_point);
            process::Command command;
            // Started by path, never through a shell: hyperparameter values are plain argv.
            command.executable = "./" + entry_point;
            command.argv.push_back(command.executable);
            command.argv.insert(command.argv.end(), inputs.arguments.begin(),
                                inputs.arguments.end());
            command.env = inputs.program_environment;
            command.cwd = code;
            command.shell_fallback = true;
            plan.program = std::move(command);
            break;
        }
    }
    return plan;
}

}  // namespace

LaunchPlan plan_launch(const LaunchInputs& inputs) {
    LaunchPlan plan = build_plan(inputs);
    const process::ExecLimits limits = process::current_exec_limits();
    for (const PreparationStep& step : plan.preparation) {
        require_startable(step.command, inputs, limits);
    }
    require_startable(plan.program, inputs, limits);
    return plan;
}

}  // namespace optml::entry
