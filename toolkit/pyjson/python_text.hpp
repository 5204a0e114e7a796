#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "toolkit/pyjson/value.hpp"

namespace optml::pyjson {

// A document that json.loads would reject. what() is a sentence without the input text.
class ParseError : public std::runtime_error {
  public:
    ParseError(const std::string& reason, std::size_t line, std::size_t column)
        : std::runtime_error(reason + " at line " + std::to_string(line) + " column " +
                             std::to_string(column)),
          line_(line),
          column_(column) {}
    std::size_t line() const { return line_; }
    std::size_t column() const { return column_; }

  private:
    std::size_t line_;
    std::size_t column_;
};

// json.loads(text): same accepted language as CPython 3.11 (NaN, Infinity, -Infinity,
// integers of any size, lone surrogate escapes), same results. Throws ParseError.
Value loads(std::string_view text);

// json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True), byte for byte.
std::string dumps(const Value& value);

// json.dumps(text, ensure_ascii=...) of one str, appended to `out`. With ensure_ascii,
// everything outside printable ASCII is a \uXXXX escape (astral code points as a surrogate
// pair; bytes that are not UTF-8 as Python's surrogateescape reads them); without, only '"',
// '\\' and the control characters below U+0020 are escaped and every other byte is copied.
void append_json_string(std::string& out, std::string_view text, bool ensure_ascii = true);

// Whether `text` is strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view text);

// The offset of the first byte that strict UTF-8 (as is_utf8) rejects, or npos.
std::size_t first_invalid_utf8_byte(std::string_view text);

// `bytes` read as Latin-1 (each byte the code point of its value), as UTF-8.
std::string latin1_to_utf8(std::string_view bytes);

// json.dumps(v) with its defaults: insertion order, separators (", ", ": "), ensure_ascii.
std::string dumps_default(const Value& value);

// str(v) and repr(v) as CPython 3.11 writes them (True, None, [1, 'a'], {'k': 2.5}, inf).
std::string str(const Value& value);
std::string repr(const Value& value);

// repr(float): shortest round-trip digits, '1e-05', '1e+16', '3.0', 'inf', 'nan', '-0.0'.
std::string float_repr(double value);

// str.upper() of UTF-8 text with Python 3.11's Unicode 14 tables (full mappings: 'ß' -> 'SS').
std::string upper(std::string_view utf8);

}  // namespace optml::pyjson
