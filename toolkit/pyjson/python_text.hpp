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
