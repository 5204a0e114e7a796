#pragma once

#include <cstddef>

namespace optml::pyjson::detail {

// str.isprintable() of one code point: what repr() leaves unescaped.
bool is_printable(char32_t code_point);

// str.upper() of one code point into out; returns how many code points it wrote (1 to 3).
std::size_t upper_of(char32_t code_point, char32_t (&out)[3]);

}  // namespace optml::pyjson::detail
