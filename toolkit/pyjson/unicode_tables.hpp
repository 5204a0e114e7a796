#pragma once

#include <cstdint>
#include <span>

// Unicode data that CPython 3.11 uses for str.upper() and repr(), generated into
// unicode_tables.cpp by scripts/generate_unicode_tables.py so that it matches the reference's
// Unicode version exactly instead of whatever the C library happens to ship.
namespace optml::pyjson::detail {

// first, first + stride, ..., last all map to code point + delta.
struct UpperRun {
    char32_t first;
    char32_t last;
    std::int32_t delta;
    std::uint32_t stride;
};

// A code point whose upper case is two or three code points; unused slots hold 0.
struct UpperExpansion {
    char32_t code_point;
    char32_t mapped[3];
};

struct CodePointRange {
    char32_t first;
    char32_t last;
};

// Each table is sorted by code point and its entries do not overlap.
std::span<const UpperRun> upper_runs();
std::span<const UpperExpansion> upper_expansions();
std::span<const CodePointRange> non_printable_ranges();

}  // namespace optml::pyjson::detail
