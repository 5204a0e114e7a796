#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Which models a multi-model endpoint evicts when its models use more than the budget.
namespace optml::serve {

struct ModelUsage {
    std::string name;
    std::uint64_t bytes = 0;
    std::uint64_t last_used = 0;  // larger: used more recently
    bool evictable = false;       // loaded, and nothing of it in flight or waiting
};

struct EvictionPlan {
    std::vector<std::string> evict;  // least recently used first
    bool fits = true;                // the rest is within the budget
};

// The fewest least-recently-used evictable models whose eviction brings the total within
// `budget_bytes`. When even evicting all of them would not, nothing is evicted and `fits` is
// false: evicting would cost reloads and still not make room.
EvictionPlan plan_eviction(std::vector<ModelUsage> models, std::uint64_t budget_bytes);

}  // namespace optml::serve
