#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace optml::system {

// train's own environment, read once at start-up. Everything that depends on a variable
// takes this snapshot, so the whole job is computed from data and unit-tested without
// touching the real process environment.
class EnvironmentSnapshot {
  public:
    using Variables = std::map<std::string, std::string, std::less<>>;

    EnvironmentSnapshot() = default;
    explicit EnvironmentSnapshot(Variables variables) : variables_(std::move(variables)) {}

    static EnvironmentSnapshot from_process();

    std::optional<std::string> get(std::string_view name) const;
    std::string get_or(std::string_view name, std::string_view fallback) const;
    const Variables& variables() const { return variables_; }

  private:
    Variables variables_;
};

// "NAME=value" entries for execve: base overridden by overrides (later overrides win).
std::vector<std::string> merge_environment(
    const EnvironmentSnapshot& base,
    const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace optml::system
