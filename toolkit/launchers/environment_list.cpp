#include "toolkit/launchers/environment_list.hpp"

#include <algorithm>

namespace optml::launchers {

namespace {

std::string_view name_of(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

}  // namespace

std::optional<std::string> environment_value(const std::vector<std::string>& environment,
                                             std::string_view name) {
    for (const std::string& entry : environment) {
        if (entry.size() > name.size() && entry[name.size()] == '=' && entry.starts_with(name)) {
            return entry.substr(name.size() + 1);
        }
    }
    return std::nullopt;
}

std::vector<std::string> environment_names(const std::vector<std::string>& environment) {
    std::vector<std::string> names;
    for (const std::string& entry : environment) {
        std::string name(name_of(entry));
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
}

std::vector<std::string> with_variables(std::vector<std::string> environment,
                                        const Variables& additions) {
    for (const auto& [name, value] : additions) {
        std::string entry = name + "=" + value;
        auto same = std::find_if(environment.begin(), environment.end(),
                                 [&](const std::string& e) { return name_of(e) == name; });
        if (same != environment.end()) {
            *same = std::move(entry);
        } else {
            environment.push_back(std::move(entry));
        }
    }
    return environment;
}

}  // namespace optml::launchers
