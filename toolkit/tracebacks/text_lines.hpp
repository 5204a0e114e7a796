#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace optml::tracebacks {

// The lines of a launcher's stderr tail, without their '\n'; a last line without one counts.
std::vector<std::string_view> lines_of(std::string_view text);

struct LeadingNumber {
    long long value = 0;
    std::size_t length = 0;  // characters it took
};

// The integer at the start of `text` ("-9 (pid: 12)" gives -9), if there is one.
std::optional<LeadingNumber> leading_number(std::string_view text);
std::optional<long long> number_at(std::string_view text);

}  // namespace optml::tracebacks
