#include "toolkit/pyjson/number_text.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/unicode_lookup.hpp"
#include "toolkit/pyjson/utf8.hpp"

namespace optml::pyjson {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_escape(std::string& out, char prefix, char32_t code_point, int digits) {
    out.push_back('\\');
    out.push_back(prefix);
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
        out.push_back(kHex[(code_point >> shift) & 0xF]);
    }
}

// unicode_repr: single quotes unless the text has ' and no ", then backslash escapes for the
// quote, the backslash, \t \n \r, other ASCII controls and every non-printable code point.
void append_str_repr(std::string& out, std::string_view text) {
    const bool has_single = text.find('\'') != std::string_view::npos;
    const bool has_double = text.find('"') != std::string_view::npos;
    const char quote = has_single && !has_double ? '"' : '\'';
    out.push_back(quote);
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            ++pos;
            if (c == quote || c == '\\') {
                out.push_back('\\');
                out.push_back(c);
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (byte < 0x20 || byte == 0x7F) {
                append_hex_escape(out, 'x', byte, 2);
            } else {
                out.push_back(c);
            }
            continue;
        }
        const detail::CodePointAt at = detail::decode_at(text, pos);
        if (!at.escaped_byte && detail::is_printable(at.code_point)) {
            out.append(text, pos, at.length);
        } else if (at.code_point <= 0xFF) {
            append_hex_escape(out, 'x', at.code_point, 2);
        } else if (at.code_point <= 0xFFFF) {
            append_hex_escape(out, 'u', at.code_point, 4);
        } else {
            append_hex_escape(out, 'U', at.code_point, 8);
        }
        pos += at.length;
    }
    out.push_back(quote);
}

void append_repr(std::string& out, const Value& value);

void append_list_repr(std::string& out, const List& list) {
    out.push_back('[');
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out.append(", ");
        append_repr(out, list[i]);
    }
    out.push_back(']');
}

// Insertion order, as a Python dict iterates.
void append_dict_repr(std::string& out, const Dict& dict) {
    out.push_back('{');
    bool first = true;
    for (const auto& [key, item] : dict) {
        if (!first) out.append(", ");
        first = false;
        append_str_repr(out, key);
        out.append(": ");
        append_repr(out, item);
    }
    out.push_back('}');
}

void append_repr(std::string& out, const Value& value) {
    struct Writer {
        std::string& out;
        void operator()(const None&) const { out.append("None"); }
        void operator()(bool b) const { out.append(b ? "True" : "False"); }
        void operator()(std::int64_t i) const { detail::append_int(out, i); }
        void operator()(const BigInt& i) const { detail::append_int(out, i); }
        void operator()(double d) const { out.append(float_repr(d)); }
        void operator()(const std::string& s) const { append_str_repr(out, s); }
        void operator()(const List& l) const { append_list_repr(out, l); }
        void operator()(const Dict& d) const { append_dict_repr(out, d); }
    };
    std::visit(Writer{out}, value.storage());
}

}  // namespace

std::string repr(const Value& value) {
    std::string out;
    append_repr(out, value);
    return out;
}

// str() differs from repr() only for a str itself; containers show their items' repr().
std::string str(const Value& value) {
    if (value.is_str()) return value.as_str();
    return repr(value);
}

}  // namespace optml::pyjson
