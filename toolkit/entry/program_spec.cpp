#include "toolkit/entry/program_spec.hpp"

namespace optml::entry {

std::vector<std::string> python_arguments(const ProgramSpec& program) {
    std::vector<std::string> words;
    switch (program.form) {
        case ProgramSpec::Form::PythonModule:
            words.push_back("-m");
            break;
        case ProgramSpec::Form::PythonCode:
            words.push_back("-c");
            break;
        case ProgramSpec::Form::PythonScript:
        case ProgramSpec::Form::Executable:
            break;
    }
    words.push_back(program.target);
    words.insert(words.end(), program.arguments.begin(), program.arguments.end());
    return words;
}

std::vector<std::string> program_argv(const ProgramSpec& program) {
    std::vector<std::string> argv;
    if (program.runs_under_python()) argv.push_back(program.interpreter);
    std::vector<std::string> rest = python_arguments(program);
    argv.insert(argv.end(), rest.begin(), rest.end());
    return argv;
}

}  // namespace optml::entry
