#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Values hold Python str as UTF-8, generalised so that every Python string has a spelling:
// a lone surrogate (which json.loads accepts from "\ud800") is the 3-byte sequence UTF-8
// would give it. Text built elsewhere may hold bytes that are not UTF-8 at all; those read
// as U+DC80..U+DCFF, which is what Python's surrogateescape makes of them (os.environ,
// sys.argv), so they print the way the reference prints such text.
namespace optml::pyjson::detail {

struct CodePointAt {
    char32_t code_point;
    std::size_t length;  // bytes consumed, at least 1
    bool escaped_byte;   // an undecodable byte, surrogateescaped
};

// Decodes the code point starting at text[pos]; pos must be < text.size().
CodePointAt decode_at(std::string_view text, std::size_t pos);

// Appends code_point in (generalised) UTF-8; surrogates get their 3-byte form.
void append_utf8(std::string& out, char32_t code_point);

// Offset of the first byte that strict UTF-8 rejects (surrogates included), or npos.
std::size_t find_invalid_utf8(std::string_view text);

// Compares by code point, the order of Python's sorted() on str.
bool code_point_less(std::string_view a, std::string_view b);

constexpr bool is_high_surrogate(char32_t c) {
    return c >= 0xD800 && c <= 0xDBFF;
}
constexpr bool is_low_surrogate(char32_t c) {
    return c >= 0xDC00 && c <= 0xDFFF;
}

}  // namespace optml::pyjson::detail
