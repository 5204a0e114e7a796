#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "toolkit/pyjson/value.hpp"

namespace optml::pyjson::detail {

// A recursive-descent reading of CPython 3.11's C scanner (Modules/_json.c): same grammar,
// same error reasons, same error positions. Positions are byte offsets here and become
// Python's character-based line/column only when an error is reported.
class Parser {
  public:
    explicit Parser(std::string_view text) : text_(text) {}

    // The whole of json.loads: leading and trailing whitespace, one value, nothing else.
    Value parse_document();

  private:
    // Python gives up near its recursion limit of 1000 with a RecursionError; stopping a
    // little earlier keeps every caller's stack safe and still accepts what the reference,
    // called a few frames deep, can decode.
    static constexpr std::size_t kMaxDepth = 900;

    Value parse_value(std::size_t depth);
    Value parse_array(std::size_t depth);
    Value parse_object(std::size_t depth);
    // Expects pos_ at the opening quote; leaves it after the closing one.
    std::string parse_string();
    char32_t parse_hex4(std::size_t at, std::size_t u_pos) const;
    Value parse_number();
    bool at_literal(std::string_view literal) const;
    void skip_whitespace();

    [[noreturn]] void fail(const std::string& reason, std::size_t pos) const;

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace optml::pyjson::detail
