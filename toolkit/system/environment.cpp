#include "toolkit/system/environment.hpp"

#include <cstring>

extern char** environ;

namespace optml::system {

EnvironmentSnapshot EnvironmentSnapshot::from_process() {
    EnvironmentSnapshot::Variables variables;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const char* separator = std::strchr(*entry, '=');
        if (separator == nullptr) continue;
        variables.emplace(std::string(static_cast<const char*>(*entry), separator),
                          std::string(separator + 1));
    }
    return EnvironmentSnapshot(std::move(variables));
}

std::optional<std::string> EnvironmentSnapshot::get(std::string_view name) const {
    auto found = variables_.find(name);
    if (found == variables_.end()) return std::nullopt;
    return found->second;
}

std::string EnvironmentSnapshot::get_or(std::string_view name, std::string_view fallback) const {
    auto value = get(name);
    return value ? *value : std::string(fallback);
}

std::vector<std::string> merge_environment(
    const EnvironmentSnapshot& base,
    const std::vector<std::pair<std::string, std::string>>& overrides) {
    EnvironmentSnapshot::Variables merged = base.variables();
    for (const auto& [name, value] : overrides) merged[name] = value;
    std::vector<std::string> entries;
    entries.reserve(merged.size());
    for (const auto& [name, value] : merged) entries.push_back(name + "=" + value);
    return entries;
}

}  // namespace optml::system
