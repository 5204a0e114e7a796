#pragma once

#include "toolkit/system/unique_fd.hpp"

// The pipes and socket pairs between a supervisor and its children.
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

// A connected AF_UNIX stream socket pair, same rules as make_pipe.
struct SocketPair {
    UniqueFd first;
    UniqueFd second;
};
SocketPair make_socket_pair();

// /dev/null opened for reading, close-on-exec and above the stdio descriptors: a child's stdin.
UniqueFd open_null_input();

}  // namespace optml::process
