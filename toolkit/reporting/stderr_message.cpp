#include <string>
#include <string_view>
#include <vector>

#include "toolkit/reporting/valid_utf8.hpp"
#include "toolkit/reporting/verdict.hpp"
#include "toolkit/tracebacks/worker_tracebacks.hpp"

namespace optml::reporting {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string::npos) {
        lines.pop_back();
    }
    return lines;
}

// Cuts at a character boundary, marking the cut.
std::string shorten(const std::string& text, std::size_t budget) {
    if (text.size() <= budget) return text;
    if (budget < 3) return "";
    std::size_t cut = budget - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "...";
}

// Appends whole lines from the end of [first, last) while they fit in budget.
std::string last_lines(const std::vector<std::string>& lines, std::size_t first, std::size_t last,
                       std::size_t budget) {
    std::string joined;
    for (std::size_t i = last; i > first; --i) {
        const std::string& line = lines[i - 1];
        std::size_t needed = line.size() + (joined.empty() ? 0 : 1);
        if (needed > budget) {
            if (joined.empty()) joined = shorten(line, budget);
            break;
        }
        joined = joined.empty() ? line : line + "\n" + joined;
        budget -= needed;
    }
    return joined;
}

// Appends whole lines from the start of [first, last) while they fit in budget; the first
// line always comes, cut to the budget when it alone is longer. What does not fit is dropped:
// an exception's own line and the lines right after it say what went wrong, the end of a long
// message (an XGBoostError's "[bt] (n)" C++ backtrace) says least.
std::string first_lines(const std::vector<std::string>& lines, std::size_t first, std::size_t last,
                        std::size_t budget) {
    if (first >= last) return "";
    std::string joined = shorten(lines[first], budget);
    for (std::size_t i = first + 1; i < last; ++i) {
        if (joined.size() + 1 + lines[i].size() > budget) break;
        joined += "\n" + lines[i];
    }
    return joined;
}

// Where a C++ exception that ended the process starts: libstdc++'s terminate handler prints
// "terminate called after throwing an instance of 'T'" and then "  what():  ...".
constexpr std::string_view kTerminateLine = "terminate called after throwing an instance of";

}  // namespace

std::string error_message_from_stderr(std::string_view stderr_tail, std::size_t budget) {
    std::vector<std::string> lines = split_lines(valid_utf8(stderr_tail));
    if (lines.empty() || budget == 0) return "";

    std::size_t traceback = lines.size();
    std::size_t terminate = lines.size();
    for (std::size_t i = lines.size(); i > 0; --i) {
        if (lines[i - 1].starts_with("Traceback (most recent call last):")) {
            traceback = i - 1;
            break;
        }
        if (terminate == lines.size() && lines[i - 1].starts_with(kTerminateLine)) {
            terminate = i - 1;
        }
    }
    // Whichever ended the process came last.
    if (terminate != lines.size()) return first_lines(lines, terminate, lines.size(), budget);
    if (traceback == lines.size()) return last_lines(lines, 0, lines.size(), budget);

    // Frames are indented; the exception starts at the first unindented line after them that
    // reads as one (other output may be printed in between).
    std::size_t exception = traceback + 1;
    while (exception < lines.size() && (lines[exception].starts_with(" ") ||
                                        !tracebacks::is_exception_line(lines[exception]))) {
        ++exception;
    }
    if (exception == lines.size()) return last_lines(lines, 0, lines.size(), budget);

    // The exception's own line first, then as much of the rest of its message as fits, then
    // the frames just above it with what is left.
    std::string message = first_lines(lines, exception, lines.size(), budget);
    if (message.size() + 1 >= budget) return message;
    std::string frames = last_lines(lines, traceback, exception, budget - message.size() - 1);
    return frames.empty() ? message : message + "\n" + frames;
}

}  // namespace optml::reporting
