#pragma once

#include "toolkit/process/command.hpp"

namespace optml::launchers {

// `command` with a bare executable name replaced by its path on the command's own PATH: the
// supervisor and helper processes exec without a PATH search. Unchanged when not found, so
// the start error names what was asked for.
process::Command resolved_on_path(process::Command command);

}  // namespace optml::launchers
