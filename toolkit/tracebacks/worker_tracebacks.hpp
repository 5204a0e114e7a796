#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace optml::tracebacks {

// A line of torchrun's output without the prefix torch may put in front of a worker's lines.
struct WorkerLine {
    std::string_view text;
    std::optional<long long> rank;        // "[rank3]: " (torch >= 2.3 excepthook): global rank
    std::optional<long long> local_rank;  // "[default1]:" (torchrun --tee): role, local rank
};

std::vector<WorkerLine> worker_lines(std::string_view output);

// What Python prints last in a traceback: "ValueError: boom", "pkg.mod.Error: ", or a bare
// name. A bare name must look like an exception's, and all-capital names are log levels
// ("INFO: ..."), so that other lines printed in between are not taken for it.
bool is_exception_line(std::string_view line);

// A Python traceback as printed, with the tracebacks chained before it ("During handling of
// the above exception, ..."). Only lines with its header's prefix count, so that prefixed
// workers printing at once do not mix; unprefixed ones that interleave may.
struct PrintedTraceback {
    std::optional<long long> rank;
    std::optional<long long> local_rank;
    std::string exception_line;  // the last one of the chain, the one that ended the process
    std::string text;            // headers, frames and exception lines, without prefixes
};

// Every complete traceback, in the order their (last) exception lines were printed; one cut
// off before its exception line, or whose header the tail cut off, is skipped.
std::vector<PrintedTraceback> printed_tracebacks(const std::vector<WorkerLine>& lines);

}  // namespace optml::tracebacks
