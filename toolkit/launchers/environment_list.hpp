#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace optml::launchers {

using Variables = std::vector<std::pair<std::string, std::string>>;

// The value of `name` in a "NAME=value" list, as getenv would see it (the first entry).
std::optional<std::string> environment_value(const std::vector<std::string>& environment,
                                             std::string_view name);

// The names in a "NAME=value" list, in order, each once.
std::vector<std::string> environment_names(const std::vector<std::string>& environment);

// `environment` with each addition replacing the entry of the same name in place, or
// appended when absent; later additions win.
std::vector<std::string> with_variables(std::vector<std::string> environment,
                                        const Variables& additions);

}  // namespace optml::launchers
