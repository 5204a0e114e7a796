#include "toolkit/entry/entry_point.hpp"

namespace optml::entry {

std::string_view kind_name(EntryPointKind kind) {
    switch (kind) {
        case EntryPointKind::PythonProgram:
            return "Python program";
        case EntryPointKind::PythonPackage:
            return "Python package";
        case EntryPointKind::PythonModule:
            return "Python module";
        case EntryPointKind::Command:
            return "command";
        case EntryPointKind::FrameworkModule:
            return "framework module";
    }
    return "command";
}

EntryPointKind detect_kind(const std::string& entry_point, bool code_dir_has_setup_py) {
    if (entry_point.ends_with(".sh")) return EntryPointKind::Command;
    if (code_dir_has_setup_py) return EntryPointKind::PythonPackage;
    if (entry_point.ends_with(".py")) return EntryPointKind::PythonProgram;
    if (entry_point.starts_with("-m ")) return EntryPointKind::PythonModule;
    return EntryPointKind::Command;
}

}  // namespace optml::entry
