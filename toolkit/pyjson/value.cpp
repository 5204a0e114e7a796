#include "toolkit/pyjson/value.hpp"

#include <algorithm>

namespace optml::pyjson {

// Linear search: configuration dicts are small, and keeping insertion order in one vector is
// what makes repr() and iteration match Python. loads() avoids this for big objects.
const Value* Dict::find(std::string_view key) const {
    const auto it = std::find_if(items_.begin(), items_.end(),
                                 [&](const auto& item) { return item.first == key; });
    return it == items_.end() ? nullptr : &it->second;
}

void Dict::set(std::string key, Value value) {
    const auto it = std::find_if(items_.begin(), items_.end(),
                                 [&](const auto& item) { return item.first == key; });
    if (it != items_.end()) {
        it->second = std::move(value);
    } else {
        items_.emplace_back(std::move(key), std::move(value));
    }
}

std::string_view Value::type_name() const {
    struct Namer {
        std::string_view operator()(const None&) const { return "NoneType"; }
        std::string_view operator()(bool) const { return "bool"; }
        std::string_view operator()(std::int64_t) const { return "int"; }
        std::string_view operator()(const BigInt&) const { return "int"; }
        std::string_view operator()(double) const { return "float"; }
        std::string_view operator()(const std::string&) const { return "str"; }
        std::string_view operator()(const List&) const { return "list"; }
        std::string_view operator()(const Dict&) const { return "dict"; }
    };
    return std::visit(Namer{}, storage_);
}

}  // namespace optml::pyjson
