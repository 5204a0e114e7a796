#pragma once

#include <cstdint>
#include <string>

#include "toolkit/pyjson/value.hpp"

namespace optml::pyjson::detail {

// Python's decimal spelling of an int. A BigInt built by hand may carry leading zeros or
// "-0"; Python would never print those, so they are normalised here.
void append_int(std::string& out, std::int64_t value);
void append_int(std::string& out, const BigInt& value);

}  // namespace optml::pyjson::detail
