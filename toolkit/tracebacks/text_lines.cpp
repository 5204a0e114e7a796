#include "toolkit/tracebacks/text_lines.hpp"

#include <charconv>

namespace optml::tracebacks {

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::optional<LeadingNumber> leading_number(std::string_view text) {
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end == text.data()) return std::nullopt;
    return LeadingNumber{value, static_cast<std::size_t>(end - text.data())};
}

std::optional<long long> number_at(std::string_view text) {
    const std::optional<LeadingNumber> number = leading_number(text);
    if (!number) return std::nullopt;
    return number->value;
}

}  // namespace optml::tracebacks
