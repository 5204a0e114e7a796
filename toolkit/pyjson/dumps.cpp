#include <algorithm>
#include <cmath>
#include <vector>

#include "toolkit/pyjson/number_text.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/utf8.hpp"

namespace optml::pyjson {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(std::string& out, char32_t unit) {
    out.append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> shift) & 0xF]);
}

// The two-character escapes JSON has ('"', '\\' and five controls); false for anything else.
bool append_short_escape(std::string& out, char32_t c) {
    switch (c) {
        case '"':
            out.append("\\\"");
            return true;
        case '\\':
            out.append("\\\\");
            return true;
        case '\n':
            out.append("\\n");
            return true;
        case '\r':
            out.append("\\r");
            return true;
        case '\t':
            out.append("\\t");
            return true;
        case '\b':
            out.append("\\b");
            return true;
        case '\f':
            out.append("\\f");
            return true;
        default:
            return false;
    }
}

// json's py_encode_basestring_ascii: printable ASCII as is, short escapes where JSON has them,
// everything else as \uXXXX (astral code points as a surrogate pair).
void append_ascii_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte <= 0x7E && c != '"' && c != '\\') {
            out.push_back(c);
            ++pos;
            continue;
        }
        const detail::CodePointAt at = detail::decode_at(text, pos);
        pos += at.length;
        if (append_short_escape(out, at.code_point)) continue;
        if (at.code_point >= 0x10000) {
            const char32_t offset = at.code_point - 0x10000;
            append_u_escape(out, 0xD800 + (offset >> 10));
            append_u_escape(out, 0xDC00 + (offset & 0x3FF));
        } else {
            append_u_escape(out, at.code_point);
        }
    }
    out.push_back('"');
}

// json's py_encode_basestring: short escapes where JSON has them, the other control
// characters as \u00XX, every other byte as it is.
void append_unicode_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (append_short_escape(out, byte)) continue;
        if (byte < 0x20) {
            append_u_escape(out, byte);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

// float.__repr__, except that JSON spells the non-finite values as JavaScript does.
void append_json_float(std::string& out, double value) {
    if (std::isnan(value)) {
        out.append("NaN");
    } else if (std::isinf(value)) {
        out.append(value < 0 ? "-Infinity" : "Infinity");
    } else {
        out.append(float_repr(value));
    }
}

// sort_keys=True with separators (",", ":"), or json.dumps's defaults: insertion order
// with separators (", ", ": ").
enum class Style { SortedCompact, Default };

void append_json(std::string& out, const Value& value, Style style);

void append_json_list(std::string& out, const List& list, Style style) {
    out.push_back('[');
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out.append(style == Style::Default ? ", " : ",");
        append_json(out, list[i], style);
    }
    out.push_back(']');
}

void append_json_dict(std::string& out, const Dict& dict, Style style) {
    if (style == Style::Default) {
        out.push_back('{');
        bool first = true;
        for (const auto& [key, item] : dict) {
            if (!first) out.append(", ");
            first = false;
            append_json_string(out, key);
            out.append(": ");
            append_json(out, item, style);
        }
        out.push_back('}');
        return;
    }
    // sort_keys=True sorts a copy of the items; the Dict keeps its insertion order.
    std::vector<const std::pair<std::string, Value>*> items;
    items.reserve(dict.size());
    for (const auto& item : dict) items.push_back(&item);
    std::sort(items.begin(), items.end(), [](const auto* a, const auto* b) {
        return detail::code_point_less(a->first, b->first);
    });
    out.push_back('{');
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_ascii_json_string(out, items[i]->first);
        out.push_back(':');
        append_json(out, items[i]->second, style);
    }
    out.push_back('}');
}

void append_json(std::string& out, const Value& value, Style style) {
    struct Writer {
        std::string& out;
        Style style;
        void operator()(const None&) const { out.append("null"); }
        void operator()(bool b) const { out.append(b ? "true" : "false"); }
        void operator()(std::int64_t i) const { detail::append_int(out, i); }
        void operator()(const BigInt& i) const { detail::append_int(out, i); }
        void operator()(double d) const { append_json_float(out, d); }
        void operator()(const std::string& s) const { append_ascii_json_string(out, s); }
        void operator()(const List& l) const { append_json_list(out, l, style); }
        void operator()(const Dict& d) const { append_json_dict(out, d, style); }
    };
    std::visit(Writer{out, style}, value.storage());
}

}  // namespace

void append_json_string(std::string& out, std::string_view text, bool ensure_ascii) {
    if (ensure_ascii) {
        append_ascii_json_string(out, text);
    } else {
        append_unicode_json_string(out, text);
    }
}

bool is_utf8(std::string_view text) {
    return detail::find_invalid_utf8(text) == std::string_view::npos;
}

std::size_t first_invalid_utf8_byte(std::string_view text) {
    return detail::find_invalid_utf8(text);
}

std::string latin1_to_utf8(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const char c : bytes) detail::append_utf8(text, static_cast<unsigned char>(c));
    return text;
}

std::string dumps(const Value& value) {
    std::string out;
    append_json(out, value, Style::SortedCompact);
    return out;
}

std::string dumps_default(const Value& value) {
    std::string out;
    append_json(out, value, Style::Default);
    return out;
}

}  // namespace optml::pyjson
