#include <algorithm>

#include "toolkit/pyjson/parser.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::pyjson::detail {

// JSONDecodeError counts in characters: lineno is 1 + the '\n's before pos, colno is pos minus
// the index of the last '\n' before it. The text before pos is valid UTF-8 by then, so
// characters are the bytes that are not continuation bytes.
void Parser::fail(const std::string& reason, std::size_t pos) const {
    const std::string_view before = text_.substr(0, pos);
    const std::size_t line =
        1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t last_newline = before.rfind('\n');
    const std::size_t line_start = last_newline == std::string_view::npos ? 0 : last_newline + 1;
    const std::string_view line_text = before.substr(line_start);
    const auto characters = std::count_if(line_text.begin(), line_text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
    throw ParseError(reason, line, static_cast<std::size_t>(characters) + 1);
}

}  // namespace optml::pyjson::detail
