#include <charconv>
#include <cmath>
#include <string>

#include "toolkit/pyjson/python_text.hpp"

namespace optml::pyjson {

// CPython's float_repr_style 'short': the shortest digits that round-trip (to_chars gives the
// same ones as Python's dtoa mode 0), then float.__repr__'s layout rules.
std::string float_repr(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";

    // Scientific form: "-d.ddde+XX" at most; the digits are all that matters from it.
    char buffer[40];
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
    const std::size_t mark = text.find('e');
    std::string digits;
    for (const char c : text.substr(0, mark)) {
        if (c >= '0' && c <= '9') digits.push_back(c);
    }
    int exponent = 0;
    for (const char c : text.substr(mark + 2)) exponent = exponent * 10 + (c - '0');
    if (text[mark + 1] == '-') exponent = -exponent;

    std::string out;
    if (std::signbit(value)) out.push_back('-');
    if (exponent < -4 || exponent >= 16) {
        out.push_back(digits[0]);
        if (digits.size() > 1) {
            out.push_back('.');
            out.append(digits, 1);
        }
        out.push_back('e');
        out.push_back(exponent < 0 ? '-' : '+');
        const int magnitude = exponent < 0 ? -exponent : exponent;
        if (magnitude < 10) out.push_back('0');
        out.append(std::to_string(magnitude));
    } else if (exponent < 0) {
        out.append("0.");
        out.append(static_cast<std::size_t>(-exponent - 1), '0');
        out.append(digits);
    } else {
        const auto integer_digits = static_cast<std::size_t>(exponent) + 1;
        if (digits.size() <= integer_digits) {
            out.append(digits);
            out.append(integer_digits - digits.size(), '0');
            out.append(".0");
        } else {
            out.append(digits, 0, integer_digits);
            out.push_back('.');
            out.append(digits, integer_digits);
        }
    }
    return out;
}

}  // namespace optml::pyjson
