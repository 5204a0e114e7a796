#include <limits>
#include <string>

#include "toolkit/pyjson/dict_builder.hpp"
#include "toolkit/pyjson/parser.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/utf8.hpp"

namespace optml::pyjson {
namespace detail {
namespace {

constexpr bool is_json_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Value Parser::parse_document() {
    // The reference reads files as UTF-8 text, so bad bytes fail before any JSON is seen.
    if (const std::size_t bad = find_invalid_utf8(text_); bad != std::string_view::npos) {
        fail("Invalid UTF-8", bad);
    }
    if (text_.starts_with("\xEF\xBB\xBF")) fail("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
    skip_whitespace();
    Value value = parse_value(0);
    skip_whitespace();
    if (pos_ != text_.size()) fail("Extra data", pos_);
    return value;
}

void Parser::skip_whitespace() {
    while (pos_ < text_.size() && is_json_whitespace(text_[pos_])) ++pos_;
}

bool Parser::at_literal(std::string_view literal) const {
    return text_.substr(pos_).starts_with(literal);
}

Value Parser::parse_value(std::size_t depth) {
    if (pos_ >= text_.size()) fail("Expecting value", pos_);
    switch (text_[pos_]) {
        case '"':
            return parse_string();
        case '{':
            return parse_object(depth + 1);
        case '[':
            return parse_array(depth + 1);
        case 'n':
            if (at_literal("null")) {
                pos_ += 4;
                return None{};
            }
            break;
        case 't':
            if (at_literal("true")) {
                pos_ += 4;
                return true;
            }
            break;
        case 'f':
            if (at_literal("false")) {
                pos_ += 5;
                return false;
            }
            break;
        case 'N':
            if (at_literal("NaN")) {
                pos_ += 3;
                return std::numeric_limits<double>::quiet_NaN();
            }
            break;
        case 'I':
            if (at_literal("Infinity")) {
                pos_ += 8;
                return std::numeric_limits<double>::infinity();
            }
            break;
        case '-':
            if (at_literal("-Infinity")) {
                pos_ += 9;
                return -std::numeric_limits<double>::infinity();
            }
            break;
        default:
            break;
    }
    return parse_number();
}

Value Parser::parse_array(std::size_t depth) {
    if (depth > kMaxDepth) {
        fail("maximum recursion depth exceeded while decoding a JSON array from a unicode string",
             pos_);
    }
    ++pos_;  // '['
    List list;
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return list;
    }
    for (;;) {
        list.push_back(parse_value(depth));
        skip_whitespace();
        if (pos_ < text_.size() && text_[pos_] == ']') break;
        if (pos_ >= text_.size() || text_[pos_] != ',') fail("Expecting ',' delimiter", pos_);
        ++pos_;
        skip_whitespace();
    }
    ++pos_;  // ']'
    return list;
}

Value Parser::parse_object(std::size_t depth) {
    if (depth > kMaxDepth) {
        fail("maximum recursion depth exceeded while decoding a JSON object from a unicode string",
             pos_);
    }
    ++pos_;  // '{'
    DictBuilder dict;
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return dict.finish();
    }
    for (;;) {
        if (pos_ >= text_.size() || text_[pos_] != '"') {
            fail("Expecting property name enclosed in double quotes", pos_);
        }
        std::string key = parse_string();
        skip_whitespace();
        if (pos_ >= text_.size() || text_[pos_] != ':') fail("Expecting ':' delimiter", pos_);
        ++pos_;
        skip_whitespace();
        dict.add(std::move(key), parse_value(depth));
        skip_whitespace();
        if (pos_ < text_.size() && text_[pos_] == '}') break;
        if (pos_ >= text_.size() || text_[pos_] != ',') fail("Expecting ',' delimiter", pos_);
        ++pos_;
        skip_whitespace();
    }
    ++pos_;  // '}'
    return dict.finish();
}

}  // namespace detail

Value loads(std::string_view text) {
    return detail::Parser(text).parse_document();
}

}  // namespace optml::pyjson
