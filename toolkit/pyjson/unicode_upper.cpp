#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/unicode_lookup.hpp"
#include "toolkit/pyjson/utf8.hpp"

namespace optml::pyjson {

// str.upper() maps each code point on its own (unlike lower(), which has the final-sigma
// rule), so a code point at a time is exact.
std::string upper(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        const auto byte = static_cast<unsigned char>(utf8[pos]);
        if (byte < 0x80) {
            out.push_back(byte >= 'a' && byte <= 'z' ? static_cast<char>(byte - 32) : utf8[pos]);
            ++pos;
            continue;
        }
        const detail::CodePointAt at = detail::decode_at(utf8, pos);
        if (at.escaped_byte) {
            // Keep the byte itself: U+DC80..U+DCFF have no upper case, and this round-trips.
            out.push_back(utf8[pos]);
        } else {
            char32_t mapped[3];
            const std::size_t count = detail::upper_of(at.code_point, mapped);
            for (std::size_t i = 0; i < count; ++i) detail::append_utf8(out, mapped[i]);
        }
        pos += at.length;
    }
    return out;
}

}  // namespace optml::pyjson
