#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace optml::process {

// How long a partial line waits for the rest before it is passed on as a piece: long enough
// for the second half of a write the pipe split, short enough for a progress bar.
constexpr std::chrono::milliseconds partial_line_wait{50};
// A line longer than this is passed on in pieces, so memory stays bounded.
constexpr std::size_t longest_held_line = 64 * 1024;

// Rewrites a program's output on its way to train's own stdout or stderr, a line at a time
// (see SupervisorOptions). It runs on the relay's thread, one filter per stream.
class LineFilter {
  public:
    virtual ~LineFilter() = default;

    // Appends to `out` what is written instead of `line`. `line` is a whole line with its
    // '\n', or a piece of one: a partial line that waited partial_line_wait for its end
    // (progress bars never send one), a line longer than longest_held_line, or the end of the
    // output without a final '\n'. The rest of a piece comes in the following calls.
    virtual void rewrite(std::string_view line, std::string& out) = 0;
};

}  // namespace optml::process
