#include "toolkit/pyjson/number_text.hpp"

#include <charconv>
#include <string_view>

namespace optml::pyjson::detail {

void append_int(std::string& out, std::int64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void append_int(std::string& out, const BigInt& value) {
    std::string_view digits = value.digits;
    const bool negative = digits.starts_with('-');
    if (negative) digits.remove_prefix(1);
    const std::size_t first_nonzero = digits.find_first_not_of('0');
    if (first_nonzero == std::string_view::npos) {
        out.push_back('0');
        return;
    }
    if (negative) out.push_back('-');
    out.append(digits.substr(first_nonzero));
}

}  // namespace optml::pyjson::detail
