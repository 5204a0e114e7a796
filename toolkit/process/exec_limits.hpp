#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "toolkit/process/command.hpp"

namespace optml::process {

// What Linux lets execve carry (fs/exec.c): every argument or environment string, its NUL
// included, at most MAX_ARG_STRLEN (32 pages); and all strings plus one pointer each within
// a quarter of the stack limit, capped at 6 MiB (3/4 of the kernel's 8 MiB _STK_LIM) and never
// under 128 KiB. Past either, execve fails with E2BIG ("Argument list too long").
struct ExecLimits {
    std::size_t max_string_bytes = 0;  // one string, NUL included
    std::size_t max_total_bytes = 0;   // strings and pointers together
};

// The limits for this process's current stack limit (RLIMIT_STACK).
ExecLimits current_exec_limits();

// The limits a given stack limit allows (RLIM_INFINITY for none); pure, for tests.
ExecLimits exec_limits_for_stack(unsigned long long stack_limit_bytes);

// Says what argv[index] stands for (e.g. "the value of the hyperparameter lr"), or "" when
// nothing more than its position is known. Must never return a value.
using ArgumentNamer = std::function<std::string(std::size_t index)>;

// Why execve would refuse `command`, as a sentence without its final period, naming the largest
// offender (the environment variable by name, or "argument N" with what `argument_name` says of
// it), its size and the limit; never a value. std::nullopt when it fits. Leaves room for the
// interpreter path and script name the kernel adds for a "#!" script or the /bin/sh fallback.
std::optional<std::string> exec_size_problem(const Command& command, const ExecLimits& limits,
                                             const ArgumentNamer& argument_name = {});

}  // namespace optml::process
