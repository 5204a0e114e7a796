#include "toolkit/process/exec_limits.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace optml::process {

namespace {

// MAX_ARG_STRLEN is 32 pages in every kernel since 2.6.23.
constexpr std::size_t kPagesPerString = 32;
// The kernel never allows less than ARG_MAX (32 pages of 4 KiB) nor more than 3/4 of _STK_LIM.
constexpr std::size_t kMinimumTotal = 32 * 4096;
constexpr std::size_t kMaximumTotal = (8u << 20) / 4 * 3;
// A "#!" line adds the interpreter, one optional argument and the script's path; the /bin/sh
// fallback adds "/bin/sh". A bound on those keeps the check true for what execve really gets.
constexpr std::size_t kInterpreterAllowance = 4096;

struct Offender {
    std::string name;
    std::size_t bytes = 0;  // the string with its NUL
};

std::string with_commas(std::size_t number) {
    const std::string digits = std::to_string(number);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

std::string variable_name(const std::string& entry) {
    return "environment variable " + entry.substr(0, entry.find('='));
}

std::string offender_text(const Offender& offender) {
    return "the " + offender.name + " (" + with_commas(offender.bytes) + " bytes)";
}

}  // namespace

ExecLimits exec_limits_for_stack(unsigned long long stack_limit_bytes) {
    const long page = ::sysconf(_SC_PAGESIZE);
    ExecLimits limits;
    limits.max_string_bytes = kPagesPerString * static_cast<std::size_t>(page > 0 ? page : 4096);
    unsigned long long quarter =
        stack_limit_bytes == RLIM_INFINITY ? kMaximumTotal : stack_limit_bytes / 4;
    limits.max_total_bytes = std::max<std::size_t>(
        kMinimumTotal,
        static_cast<std::size_t>(std::min<unsigned long long>(quarter, kMaximumTotal)));
    return limits;
}

ExecLimits current_exec_limits() {
    struct rlimit stack {};
    if (::getrlimit(RLIMIT_STACK, &stack) != 0) return exec_limits_for_stack(8ull << 20);
    return exec_limits_for_stack(stack.rlim_cur);
}

std::optional<std::string> exec_size_problem(const Command& command, const ExecLimits& limits,
                                             const ArgumentNamer& argument_name) {
    Offender largest;
    std::size_t total = command.executable.size() + 1 + kInterpreterAllowance;
    auto consider = [&](std::size_t bytes, auto&& name_of) {
        total += bytes + sizeof(char*);
        if (bytes > largest.bytes) largest = {name_of(), bytes};
    };
    for (std::size_t i = 0; i < command.argv.size(); ++i) {
        consider(command.argv[i].size() + 1, [&] {
            std::string name = "argument " + std::to_string(i);
            std::string detail = argument_name ? argument_name(i) : std::string();
            return detail.empty() ? name : name + " (" + detail + ")";
        });
    }
    for (const std::string& entry : command.env) {
        consider(entry.size() + 1, [&] { return variable_name(entry); });
    }
    total += 2 * sizeof(char*);  // the NULL ending each array

    if (largest.bytes > limits.max_string_bytes) {
        return "The program cannot be started: " + offender_text(largest) + " is longer than the " +
               with_commas(limits.max_string_bytes) +
               " bytes Linux allows for one argument or environment entry";
    }
    if (total > limits.max_total_bytes) {
        return "The program cannot be started: its arguments and environment take " +
               with_commas(total) + " bytes, more than the " + with_commas(limits.max_total_bytes) +
               " bytes Linux allows (a quarter of the stack limit, at most 6 MiB); the largest "
               "is " +
               offender_text(largest) + " among " + std::to_string(command.argv.size()) +
               " arguments and " + std::to_string(command.env.size()) + " environment variables";
    }
    return std::nullopt;
}

}  // namespace optml::process
