#pragma once

#include "toolkit/system/unique_fd.hpp"

// Internal to toolkit/process: the pipes between the supervisor and its children.
namespace optml::process {

using system::UniqueFd;

struct Pipe {
    UniqueFd read_end;
    UniqueFd write_end;
};

// Both ends are close-on-exec (no other child of train inherits them) and numbered 3 or above,
// so they never collide with the stdio descriptors a child rearranges, even when train was
// started with some of 0-2 closed. Throws errors::Error(Supervision).
Pipe make_pipe();

}  // namespace optml::process
