#pragma once

#include <string>
#include <vector>

namespace optml::entry {

// The program as parts, before they become one argv. Runners wrap the parts (mpi4py between
// the interpreter and the script, torchrun's --module), so they read them here instead of
// taking an argv apart again.
struct ProgramSpec {
    enum class Form {
        PythonScript,  // interpreter SCRIPT ARGS
        PythonModule,  // interpreter -m MODULE ARGS
        PythonCode,    // interpreter -c CODE ARGS (the framework function's bootstrap)
        Executable,    // EXECUTABLE ARGS, started by path
    };
    Form form = Form::Executable;
    std::string interpreter;  // the Python forms' interpreter; empty for Executable
    std::string target;       // the script, the module, the code or the executable
    std::vector<std::string> arguments;

    bool runs_under_python() const { return form != Form::Executable; }
};

// The words after the interpreter for the Python forms (`SCRIPT ARGS`, `-m MODULE ARGS`,
// `-c CODE ARGS`); for an executable, the whole argv.
std::vector<std::string> python_arguments(const ProgramSpec& program);

// The program's argv, argv[0] included: the interpreter first for the Python forms.
std::vector<std::string> program_argv(const ProgramSpec& program);

}  // namespace optml::entry
