#include "toolkit/serve/model_memory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>

#include "toolkit/process/memory_cgroup.hpp"
#include "toolkit/system/unique_fd.hpp"

namespace optml::serve {

namespace {

constexpr std::uint64_t kibibyte = 1024;

// A whole file with plain read()s: serve reads tens of smaps_rollup files a second.
std::optional<std::string> read_whole_file(const std::filesystem::path& file) {
    system::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    std::string text;
    char buffer[8192];
    for (;;) {
        ssize_t count = ::read(fd.get(), buffer, sizeof buffer);
        if (count == 0) return text;
        if (count < 0) {
            if (errno == EINTR) continue;
            return std::nullopt;  // ESRCH: the process exited while we read.
        }
        text.append(buffer, static_cast<std::size_t>(count));
    }
}

// Calls `on_value` with the number after `key` (blanks skipped) on each line that starts with
// `key`: "Pss:   123 kB", "MemTotal:  456 kB". False when a value is not a number.
template <typename OnValue>
bool for_each_keyed_value(std::string_view text, std::string_view key, OnValue on_value) {
    const char* const text_end = text.data() + text.size();
    for (std::size_t at = text.find(key); at != std::string_view::npos;
         at = text.find(key, at + key.size())) {
        if (at != 0 && text[at - 1] != '\n') continue;  // "SwapPss:" is not "Pss:"
        const char* digits = text.data() + at + key.size();
        while (digits != text_end && (*digits == ' ' || *digits == '\t')) ++digits;
        std::uint64_t value = 0;
        if (std::from_chars(digits, text_end, value).ec != std::errc()) return false;
        on_value(value);
    }
    return true;
}

// The value of the first line starting with `key`, in kB in the file, as bytes.
std::optional<std::uint64_t> parse_kilobytes_line(std::string_view text, std::string_view key) {
    std::optional<std::uint64_t> bytes;
    bool numbers = for_each_keyed_value(text, key, [&](std::uint64_t kilobytes) {
        if (!bytes) bytes = kilobytes * kibibyte;
    });
    return numbers ? bytes : std::nullopt;
}

// A memory.max / memory.limit_in_bytes text: nullopt for "max" (no limit) or unreadable text.
std::optional<std::uint64_t> parse_cgroup_limit(std::string_view text) {
    std::uint64_t limit = 0;
    auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (error != std::errc()) return std::nullopt;
    return limit;
}

// The lowest limit of this process's memory cgroup files: its own cgroup's and its namespace
// root's, whichever hold one (a limit set on the namespace root bounds its children too).
std::optional<std::uint64_t> cgroup_memory_limit(const std::filesystem::path& proc,
                                                 const std::filesystem::path& cgroup_root) {
    auto membership = read_whole_file(proc / "self" / "cgroup");
    if (!membership) return std::nullopt;
    std::optional<std::uint64_t> lowest;
    for (const auto& file : process::memory_cgroup_files(
             *membership, cgroup_root, {.v2 = "memory.max", .v1 = "memory.limit_in_bytes"})) {
        auto text = read_whole_file(file);
        auto limit = text ? parse_cgroup_limit(*text) : std::nullopt;
        if (limit && (!lowest || *limit < *lowest)) lowest = limit;
    }
    return lowest;
}

}  // namespace

std::optional<std::uint64_t> parse_pss_bytes(std::string_view smaps_text) {
    std::optional<std::uint64_t> bytes;
    bool numbers = for_each_keyed_value(smaps_text, "Pss:", [&](std::uint64_t kilobytes) {
        bytes = bytes.value_or(0) + kilobytes * kibibyte;
    });
    return numbers ? bytes : std::nullopt;
}

std::optional<std::uint64_t> process_pss_bytes(pid_t pid, const std::filesystem::path& proc) {
    std::filesystem::path process_dir = proc / std::to_string(pid);
    // smaps_rollup came with Linux 4.14; before it, summing smaps gives the same total.
    if (auto rollup = read_whole_file(process_dir / "smaps_rollup")) {
        if (auto bytes = parse_pss_bytes(*rollup)) return bytes;
    }
    auto smaps = read_whole_file(process_dir / "smaps");
    return smaps ? parse_pss_bytes(*smaps) : std::nullopt;
}

std::optional<std::uint64_t> container_memory_limit_bytes(
    const std::filesystem::path& proc, const std::filesystem::path& cgroup_root) {
    auto meminfo = read_whole_file(proc / "meminfo");
    auto machine = meminfo ? parse_kilobytes_line(*meminfo, "MemTotal:") : std::nullopt;
    auto cgroup = cgroup_memory_limit(proc, cgroup_root);
    // v1 writes a huge number where no limit is set: a limit is one below the machine's memory.
    if (cgroup && (!machine || *cgroup < *machine)) return cgroup;
    return machine;
}

std::optional<std::uint64_t> model_memory_budget_bytes(std::optional<std::uint64_t> configured_mb,
                                                       double share,
                                                       std::optional<std::uint64_t> limit_bytes) {
    constexpr std::uint64_t mebibyte = 1024 * 1024;
    if (configured_mb) {
        if (*configured_mb == 0) return std::nullopt;
        return *configured_mb * mebibyte;
    }
    if (!limit_bytes) return std::nullopt;
    // A negative (or NaN) share converted to an unsigned is undefined: none of the memory.
    double bytes = share > 0 ? share * static_cast<double>(*limit_bytes) : 0.0;
    return static_cast<std::uint64_t>(bytes);
}

}  // namespace optml::serve
