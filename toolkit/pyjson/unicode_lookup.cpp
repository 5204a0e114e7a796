#include "toolkit/pyjson/unicode_lookup.hpp"

#include <algorithm>

#include "toolkit/pyjson/unicode_tables.hpp"

namespace optml::pyjson::detail {
namespace {

// The entry of a sorted, non-overlapping table whose range may hold code_point, or nullptr.
template <typename Entry, typename First>
const Entry* last_starting_at_or_before(std::span<const Entry> table, char32_t code_point,
                                        First first) {
    const auto after =
        std::upper_bound(table.begin(), table.end(), code_point,
                         [&](char32_t value, const Entry& entry) { return value < first(entry); });
    return after == table.begin() ? nullptr : &*(after - 1);
}

}  // namespace

bool is_printable(char32_t code_point) {
    // Printable ASCII is by far the common case.
    if (code_point >= 0x20 && code_point < 0x7F) return true;
    const CodePointRange* range = last_starting_at_or_before(
        non_printable_ranges(), code_point, [](const CodePointRange& r) { return r.first; });
    return range == nullptr || code_point > range->last;
}

std::size_t upper_of(char32_t code_point, char32_t (&out)[3]) {
    out[0] = code_point;
    if (code_point < 0x80) {
        if (code_point >= 'a' && code_point <= 'z') out[0] = code_point - 32;
        return 1;
    }
    const UpperExpansion* expansion = last_starting_at_or_before(
        upper_expansions(), code_point, [](const UpperExpansion& e) { return e.code_point; });
    if (expansion != nullptr && expansion->code_point == code_point) {
        std::size_t count = 0;
        while (count < 3 && expansion->mapped[count] != 0) {
            out[count] = expansion->mapped[count];
            ++count;
        }
        return count;
    }
    const UpperRun* run = last_starting_at_or_before(upper_runs(), code_point,
                                                     [](const UpperRun& r) { return r.first; });
    if (run != nullptr && code_point <= run->last && (code_point - run->first) % run->stride == 0) {
        out[0] = static_cast<char32_t>(static_cast<std::int64_t>(code_point) + run->delta);
    }
    return 1;
}

}  // namespace optml::pyjson::detail
