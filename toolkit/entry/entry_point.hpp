#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/process/command.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::entry {

enum class EntryPointKind {
    PythonProgram,    // "train.py": python train.py ARGS
    PythonPackage,    // setup.py in the code dir: pip install . then python -m MODULE ARGS
    PythonModule,     // "-m pkg.mod": python -m pkg.mod ARGS
    Command,          // "run.sh" or any other file: executed directly, /bin/sh without shebang
    FrameworkModule,  // SAGEMAKER_TRAINING_MODULE "pkg.mod:fn": fn() called in a Python child
};

std::string_view kind_name(EntryPointKind kind);

// The reference's rules, in its order: ".sh" is a command; then setup.py makes a package;
// then ".py" is a Python program; "-m " a module; anything else a command.
EntryPointKind detect_kind(const std::string& entry_point, bool code_dir_has_setup_py);

// A step run before the program, and the error kind reported if it fails.
struct PreparationStep {
    process::Command command;
    errors::ErrorKind failure_kind;
    std::string description;  // "pip install -r requirements.txt"
};

// Everything needed to start the job, computed before any process exists.
struct LaunchPlan {
    EntryPointKind kind = EntryPointKind::PythonProgram;
    std::vector<PreparationStep> preparation;
    process::Command program;
    std::filesystem::path entry_point_file;  // for PythonProgram and Command; empty otherwise
};

// The interpreter train uses: OPTML_PYTHON (a path or a name on PATH), else python3, else
// python on PATH. Throws errors::Error(EntryPoint) naming what was looked for.
std::filesystem::path resolve_python(const system::EnvironmentSnapshot& environment);

struct LaunchInputs {
    const config::TrainingEnv& env;
    const system::EnvironmentSnapshot& train_environment;  // where the interpreter is looked up
    std::vector<std::string> arguments;                    // from mapping::to_cmd_args
    std::vector<std::string> program_environment;          // complete "NAME=value" list
};

// Builds the plan from the code dir as it is now (after code acquisition). Throws
// errors::Error(EntryPoint) when no entry point is named, the named file is missing or a
// Python step has no interpreter, and
// errors::Error(Configuration) for a malformed SAGEMAKER_TRAINING_MODULE, or for a command
// whose arguments and environment exceed what execve accepts (naming the largest variable or
// argument, its size and the limit).
LaunchPlan plan_launch(const LaunchInputs& inputs);

// Gives a command entry point (file, inside code_dir) the 0755 mode the platform stores
// without (never 0777). The file is resolved beneath code_dir and changed through its own
// descriptor: a symbolic link inside the code dir is followed, one that leads out of it is
// refused with errors::Error(EntryPoint), so nothing outside the code dir changes mode.
void make_executable(const std::filesystem::path& code_dir, const std::filesystem::path& file);

}  // namespace optml::entry
