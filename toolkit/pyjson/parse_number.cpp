#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "toolkit/pyjson/parser.hpp"

namespace optml::pyjson::detail {
namespace {

// CPython 3.11 refuses int() of longer decimal text (sys.get_int_max_str_digits()), and
// json.loads passes that ValueError through.
constexpr std::size_t kMaxIntDigits = 4300;

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// from_chars reports a result that rounds to zero or infinity as out of range; Python's
// float() returns that zero or infinity. Which one it is follows from the decimal exponent of
// the leading significant digit, which is far from 0 either way.
double out_of_range_float(std::string_view token) {
    const bool negative = token.front() == '-';
    const std::size_t exponent_mark = token.find_first_of("eE");
    const std::string_view mantissa = token.substr(0, exponent_mark);
    const std::size_t point = mantissa.find('.');
    const std::size_t integer_end = point == std::string_view::npos ? mantissa.size() : point;
    const std::size_t first_significant = mantissa.find_first_of("123456789");
    if (first_significant == std::string_view::npos) return negative ? -0.0 : 0.0;
    // Decimal exponent of the first significant digit, before the explicit exponent.
    long long magnitude = first_significant < integer_end
                              ? static_cast<long long>(integer_end - first_significant) - 1
                              : -static_cast<long long>(first_significant - integer_end);
    if (exponent_mark != std::string_view::npos) {
        std::string_view exponent = token.substr(exponent_mark + 1);
        const bool exponent_negative = exponent.front() == '-';
        if (exponent.front() == '-' || exponent.front() == '+') exponent.remove_prefix(1);
        long long value = 0;
        for (const char c : exponent) {
            value = std::min(value * 10 + (c - '0'), 1'000'000'000LL);  // saturate
        }
        magnitude += exponent_negative ? -value : value;
    }
    const double result = magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    return negative ? -result : result;
}

}  // namespace

// CPython's _match_number_unicode: '-'? then '0' or [1-9][0-9]*, then '.' and digits only if a
// digit follows the '.', then an exponent only if it has digits; anything else is left for
// the caller, which then reports "Extra data" or a missing delimiter.
Value Parser::parse_number() {
    const std::size_t start = pos_;
    const std::size_t size = text_.size();
    std::size_t i = start;
    if (text_[i] == '-') {
        ++i;
        if (i >= size) fail("Expecting value", start);
    }
    if (text_[i] >= '1' && text_[i] <= '9') {
        ++i;
        while (i < size && is_digit(text_[i])) ++i;
    } else if (text_[i] == '0') {
        ++i;
    } else {
        fail("Expecting value", start);
    }
    bool is_float = false;
    if (i + 1 < size && text_[i] == '.' && is_digit(text_[i + 1])) {
        is_float = true;
        i += 2;
        while (i < size && is_digit(text_[i])) ++i;
    }
    if (i + 1 < size && (text_[i] == 'e' || text_[i] == 'E')) {
        const std::size_t exponent_start = i;
        ++i;
        if (i + 1 < size && (text_[i] == '-' || text_[i] == '+')) ++i;
        while (i < size && is_digit(text_[i])) ++i;
        if (is_digit(text_[i - 1])) {
            is_float = true;
        } else {
            i = exponent_start;
        }
    }
    const std::string_view token = text_.substr(start, i - start);
    const char* const first = token.data();
    const char* const last = token.data() + token.size();
    pos_ = i;

    if (is_float) {
        double value = 0.0;
        const auto result = std::from_chars(first, last, value);
        if (result.ec == std::errc::result_out_of_range) return out_of_range_float(token);
        return value;
    }
    std::int64_t small = 0;
    if (std::from_chars(first, last, small).ec == std::errc{}) return small;
    const bool negative = token.front() == '-';
    const std::size_t digits = token.size() - (negative ? 1 : 0);
    if (digits > kMaxIntDigits) {
        fail("Exceeds the limit (4300 digits) for integer string conversion: value has " +
                 std::to_string(digits) +
                 " digits; use sys.set_int_max_str_digits() to increase the limit",
             start);
    }
    // The grammar already rules out leading zeros, so the token is Python's own spelling.
    return BigInt{std::string(token)};
}

}  // namespace optml::pyjson::detail
