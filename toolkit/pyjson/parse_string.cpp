#include "toolkit/pyjson/parser.hpp"
#include "toolkit/pyjson/utf8.hpp"

namespace optml::pyjson::detail {
namespace {

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The escapes other than \u, or 0 for an invalid one.
char simple_escape(char c) {
    switch (c) {
        case '"':
            return '"';
        case '\\':
            return '\\';
        case '/':
            return '/';
        case 'b':
            return '\b';
        case 'f':
            return '\f';
        case 'n':
            return '\n';
        case 'r':
            return '\r';
        case 't':
            return '\t';
        default:
            return 0;
    }
}

}  // namespace

// Four hex digits at text_[at..at+3]; an error points at the escape's 'u', as Python's does.
char32_t Parser::parse_hex4(std::size_t at, std::size_t u_pos) const {
    char32_t value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        const int digit = hex_digit_value(text_[i]);
        if (digit < 0) fail("Invalid \\uXXXX escape", u_pos);
        value = (value << 4) | static_cast<char32_t>(digit);
    }
    return value;
}

std::string Parser::parse_string() {
    const std::size_t begin = pos_;
    const std::size_t size = text_.size();
    std::size_t next = begin + 1;
    std::string out;
    for (;;) {
        // Copy the run up to the next quote or backslash in one go; the input is known to be
        // valid UTF-8, so only control characters need a look.
        std::size_t end = next;
        while (end < size && text_[end] != '"' && text_[end] != '\\') {
            if (static_cast<unsigned char>(text_[end]) < 0x20) {
                fail("Invalid control character at", end);
            }
            ++end;
        }
        out.append(text_, next, end - next);
        if (end == size) fail("Unterminated string starting at", begin);
        if (text_[end] == '"') {
            pos_ = end + 1;
            return out;
        }
        const std::size_t escape = end + 1;  // the character after the backslash
        if (escape == size) fail("Unterminated string starting at", begin);
        if (text_[escape] != 'u') {
            const char decoded = simple_escape(text_[escape]);
            if (decoded == 0) fail("Invalid \\escape", end);
            out.push_back(decoded);
            next = escape + 1;
            continue;
        }
        // Python wants something after the four digits (at least the closing quote), and
        // reports a short escape as invalid rather than the string as unterminated.
        if (escape + 5 >= size) fail("Invalid \\uXXXX escape", escape);
        char32_t code_point = parse_hex4(escape + 1, escape);
        next = escape + 5;
        // A high surrogate joins a following \u low surrogate; anything else after it is left
        // for the next round, so the high surrogate stays alone.
        if (is_high_surrogate(code_point) && next + 6 < size && text_[next] == '\\' &&
            text_[next + 1] == 'u') {
            const char32_t low = parse_hex4(next + 2, next + 1);
            if (is_low_surrogate(low)) {
                code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
                next += 6;
            }
        }
        append_utf8(out, code_point);
    }
}

}  // namespace optml::pyjson::detail
