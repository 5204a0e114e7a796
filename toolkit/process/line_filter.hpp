#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace optml::process {

// How long text may be held back waiting for the end of its line before it is passed on
// anyway: long enough for the second half of a write the pipe split, short enough for a
// progress bar.
constexpr std::chrono::milliseconds partial_line_wait{50};
// A line longer than this is passed on in pieces, so memory stays bounded.
constexpr std::size_t longest_held_line = 64 * 1024;

// Rewrites a program's output on its way to train's own stdout or stderr, a line at a time
// (see SupervisorOptions). It runs on the relay's thread, one filter per stream.
class LineFilter {
  public:
    using Clock = std::chrono::steady_clock;

    virtual ~LineFilter() = default;

    // Appends to `out` what is written instead of `line`. `line` is a whole line with its
    // '\n', or a piece of one: a partial line that waited partial_line_wait for its end
    // (progress bars never send one), a line longer than longest_held_line, or the end of the
    // output without a final '\n'. The rest of a piece comes in the following calls.
    virtual void rewrite(std::string_view line, std::string& out) = 0;

    // A filter may hold text back itself (a line that arrives in several parts). The relay
    // asks when the oldest held text came, and calls release() once it has waited
    // partial_line_wait, and at the end of the output with Clock::time_point::max().
    virtual std::optional<Clock::time_point> held_since() const { return std::nullopt; }
    // Appends to `out` the text held back since before `cutoff`.
    virtual void release(Clock::time_point /*cutoff*/, std::string& /*out*/) {}
};

}  // namespace optml::process
