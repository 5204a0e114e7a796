#pragma once

#include "toolkit/entry/entry_point.hpp"

namespace optml::launchers {

// Entry points whose program is `python ARGS...` (argv[0] the interpreter).
bool runs_under_python(entry::EntryPointKind kind);

// Throws errors::Error(Internal) when a Python program's argv does not start with the
// interpreter and one more word: the launchers rely on entry::plan_launch's shapes.
void require_python_shape(const process::Command& program);

}  // namespace optml::launchers
