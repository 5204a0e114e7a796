#include "toolkit/config/python_values.hpp"

#include <cctype>
#include <charconv>

#include "toolkit/errors/error.hpp"

namespace optml::config {

void throw_configuration_error(std::string_view file, std::string_view key,
                               const std::string& problem) {
    throw errors::Error(errors::ErrorKind::Configuration,
                        std::string(file) + " key '" + std::string(key) + "' " + problem + ".");
}

std::string require_string(const pyjson::Value& value, std::string_view file,
                           std::string_view key) {
    if (!value.is_str()) {
        throw_configuration_error(file, key,
                                  "must be a string, not a " + std::string(value.type_name()));
    }
    return value.as_str();
}

std::vector<std::string> require_string_list(const pyjson::Value& value, std::string_view file,
                                             std::string_view key) {
    if (!value.is_list()) {
        throw_configuration_error(
            file, key, "must be a list of strings, not a " + std::string(value.type_name()));
    }
    std::vector<std::string> strings;
    for (const pyjson::Value& item : value.as_list()) {
        if (!item.is_str()) {
            throw_configuration_error(
                file, key, "must hold only strings, found a " + std::string(item.type_name()));
        }
        strings.push_back(item.as_str());
    }
    return strings;
}

bool is_truthy(const pyjson::Value& value) {
    if (value.is_none()) return false;
    if (value.is_bool()) return value.as_bool();
    if (value.is_int()) return !value.fits_int64() || value.as_int64() != 0;
    if (value.is_float()) return value.as_float() != 0.0;
    if (value.is_str()) return !value.as_str().empty();
    if (value.is_list()) return !value.as_list().empty();
    return !value.as_dict().empty();
}

std::optional<long long> parse_python_int(std::string_view text) {
    auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text.empty() || text.front() == '_' || text.back() == '_') return std::nullopt;
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '_') {
            if (text[i - 1] == '_') return std::nullopt;
            continue;
        }
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        digits.push_back(c);
    }
    long long parsed = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
    if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return negative ? -parsed : parsed;
}

std::string lower_ascii(std::string_view text) {
    std::string lowered(text);
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered;
}

}  // namespace optml::config
