#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolkit/pyjson/value.hpp"

namespace optml::config {

// Throws errors::Error(Configuration): "<file> key '<key>' <problem>."
[[noreturn]] void throw_configuration_error(std::string_view file, std::string_view key,
                                            const std::string& problem);

std::string require_string(const pyjson::Value& value, std::string_view file, std::string_view key);
std::vector<std::string> require_string_list(const pyjson::Value& value, std::string_view file,
                                             std::string_view key);

// bool(value) in Python: None, False, 0, 0.0, "", [] and {} are false.
bool is_truthy(const pyjson::Value& value);

// int(text) in Python for base 10: surrounding whitespace, a sign, digits with single
// underscores between them. nullopt when Python would raise ValueError (or it overflows).
std::optional<long long> parse_python_int(std::string_view text);

std::string lower_ascii(std::string_view text);

}  // namespace optml::config
