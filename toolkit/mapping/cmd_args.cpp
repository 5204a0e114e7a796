#include <algorithm>

#include "toolkit/mapping/program_environment.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::mapping {

namespace {

std::size_t code_points(const std::string& utf8) {
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string argument_name(const std::string& name) {
    if (name.empty()) return "";
    return (code_points(name) > 1 ? "--" : "-") + name;
}

std::string argument_value(const pyjson::Value& value) {
    if (value.is_none()) return "";
    if (!value.is_dict()) return pyjson::str(value);
    std::vector<std::pair<std::string, const pyjson::Value*>> items;
    for (const auto& [key, item] : value.as_dict()) items.emplace_back(key, &item);
    std::sort(items.begin(), items.end(),
              [](const auto& left, const auto& right) { return left.first < right.first; });
    std::string joined;
    for (const auto& [key, item] : items) {
        if (!joined.empty()) joined += ',';
        joined += key + "=" + pyjson::str(*item);
    }
    return joined;
}

}  // namespace

std::vector<std::string> to_cmd_args(const pyjson::Dict& hyperparameters) {
    std::vector<std::pair<std::string, const pyjson::Value*>> sorted;
    for (const auto& [name, value] : hyperparameters) sorted.emplace_back(name, &value);
    // Byte order of UTF-8 is code point order, which is how Python sorts str.
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& left, const auto& right) { return left.first < right.first; });
    std::vector<std::string> arguments;
    arguments.reserve(sorted.size() * 2);
    for (const auto& [name, value] : sorted) {
        arguments.push_back(argument_name(name));
        arguments.push_back(argument_value(*value));
    }
    return arguments;
}

}  // namespace optml::mapping
