#include "toolkit/pyjson/utf8.hpp"

#include <algorithm>

namespace optml::pyjson::detail {
namespace {

constexpr bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

// Length of the well-formed sequence starting at text[pos] (0 when there is none). The
// bounds on the second byte are the ones of the Unicode "well-formed byte sequences" table;
// they exclude overlong forms and code points above U+10FFFF. allow_surrogates widens the
// ED row to also accept ED A0..BF, our spelling of lone surrogates.
std::size_t sequence_length(std::string_view text, std::size_t pos, bool allow_surrogates) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED && !allow_surrogates) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (text.size() - pos < length) return 0;
    if (byte(1) < low || byte(1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (!is_continuation(byte(i))) return 0;
    }
    return length;
}

}  // namespace

CodePointAt decode_at(std::string_view text, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    const std::size_t length = sequence_length(text, pos, true);
    if (length == 0) return {static_cast<char32_t>(0xDC00 + lead), 1, true};
    if (length == 1) return {lead, 1, false};
    // The lead byte keeps 7 - length payload bits.
    char32_t code_point = lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i) {
        code_point = (code_point << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    }
    return {code_point, length, false};
}

void append_utf8(std::string& out, char32_t code_point) {
    const auto put = [&](char32_t bits) { out.push_back(static_cast<char>(bits)); };
    if (code_point < 0x80) {
        put(code_point);
    } else if (code_point < 0x800) {
        put(0xC0 | (code_point >> 6));
        put(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        put(0xE0 | (code_point >> 12));
        put(0x80 | ((code_point >> 6) & 0x3F));
        put(0x80 | (code_point & 0x3F));
    } else {
        put(0xF0 | (code_point >> 18));
        put(0x80 | ((code_point >> 12) & 0x3F));
        put(0x80 | ((code_point >> 6) & 0x3F));
        put(0x80 | (code_point & 0x3F));
    }
}

std::size_t find_invalid_utf8(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        // ASCII dominates JSON documents; skip it without the table walk.
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const std::size_t length = sequence_length(text, pos, false);
        if (length == 0) return pos;
        pos += length;
    }
    return std::string_view::npos;
}

bool code_point_less(std::string_view a, std::string_view b) {
    // For well-formed text byte order is code point order, but escaped bytes (U+DC80..U+DCFF)
    // break that, so decode from the first difference. Decoding may only start on a code point
    // boundary; the byte after an ASCII byte always is one, in both strings alike.
    const auto mismatch = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    std::size_t i = static_cast<std::size_t>(mismatch.first - a.begin());
    while (i > 0 && static_cast<unsigned char>(a[i - 1]) >= 0x80) --i;
    std::size_t j = i;
    while (i < a.size() && j < b.size()) {
        const CodePointAt x = decode_at(a, i);
        const CodePointAt y = decode_at(b, j);
        if (x.code_point != y.code_point) return x.code_point < y.code_point;
        i += x.length;
        j += y.length;
    }
    return i == a.size() && j < b.size();
}

}  // namespace optml::pyjson::detail
