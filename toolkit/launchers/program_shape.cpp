#include "toolkit/launchers/program_shape.hpp"

namespace optml::launchers {

bool runs_under_python(entry::EntryPointKind kind) {
    switch (kind) {
        case entry::EntryPointKind::PythonProgram:
        case entry::EntryPointKind::PythonPackage:
        case entry::EntryPointKind::PythonModule:
        case entry::EntryPointKind::FrameworkModule:
            return true;
        case entry::EntryPointKind::Command:
            return false;
    }
    return false;
}

void require_python_shape(const process::Command& program) {
    if (program.argv.size() < 2 || program.argv.front() != program.executable) {
        throw errors::Error(errors::ErrorKind::Internal,
                            "A Python entry point's command must start with the interpreter.");
    }
}

}  // namespace optml::launchers
